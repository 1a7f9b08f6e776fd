-- Does the purpose need consent, under the policy of the latest published run? (work is a run's
-- scratch: a run that deleted something leaves it empty.)
WITH latest AS (
    SELECT policy FROM audit.runs WHERE policy IS NOT NULL ORDER BY finished_at DESC LIMIT 1
),
purposes AS (
    SELECT unnest(from_json(json_extract(policy, '$.purposes'),
                            '[{"name": "VARCHAR", "consent_required": "BOOLEAN"}]')) AS purpose
    FROM latest
)
SELECT purpose.consent_required FROM purposes WHERE purpose.name = $purpose
