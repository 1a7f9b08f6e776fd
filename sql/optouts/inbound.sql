-- Every inbound message with what it asks for, the rule that decided it, and who sent it
-- (E.164 and keyed hash of the number; no body text is kept past staging).
-- A reply's number is matched, in order: as typed (international format); to the contacts whose
-- number as typed has the same digits, parsed with their country (when those digits name one
-- E.164); parsed with the policy's inbound region. `matched_by` says which; an unmatched number
-- keeps the keyed hash of its value as typed, so an opt-out from it is still suppressed.
-- A person's decision on a queued reply (core.review_decisions) overrides the classifier; an
-- opt-out so decided counts from the reply's received_at like any other.
WITH contact_digits AS (
    SELECT regexp_replace(c.phone, '[^0-9]', '', 'g') AS digits, any_value(n.e164) AS e164, any_value(n.subject) AS subject
    FROM staging.contacts AS c
    JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM c.phone AND n.default_region IS NOT DISTINCT FROM c.country
    WHERE n.is_valid
    GROUP BY digits
    HAVING length(digits) >= 5 AND count(DISTINCT n.e164) = 1
),
matched AS (
    SELECT
        i.inbound_id,
        i.received_at,
        i.body,
        CASE WHEN typed.is_valid THEN 'as typed' WHEN d.e164 IS NOT NULL THEN 'contact digits'
             WHEN regional.is_valid THEN 'inbound region' END AS matched_by,
        CASE WHEN typed.is_valid THEN typed.e164 ELSE coalesce(d.e164, regional.e164) END AS e164,
        CASE WHEN typed.is_valid THEN typed.subject WHEN d.e164 IS NOT NULL THEN d.subject
             WHEN regional.is_valid THEN regional.subject ELSE typed.subject END AS subject
    FROM staging.inbound AS i
    LEFT JOIN cache.numbers AS typed ON typed.raw IS NOT DISTINCT FROM i.from_phone AND typed.default_region IS NULL
    -- Equalities only, so that both are hash joins (a condition on the reply's own columns made
    -- them nested loops: 26,000 replies against 100,000 contacts took minutes); the CASEs above
    -- take these matches only when the number as typed is not valid.
    LEFT JOIN contact_digits AS d ON d.digits = regexp_replace(i.from_phone, '[^0-9]', '', 'g')
    LEFT JOIN cache.numbers AS regional
        ON regional.raw IS NOT DISTINCT FROM i.from_phone
        AND regional.default_region IS NOT DISTINCT FROM CAST($inbound_region AS VARCHAR)
)
SELECT
    m.inbound_id,
    m.e164,
    m.subject,
    m.received_at,
    CASE d.decision WHEN 'opt-out' THEN 'opt_out' WHEN 'not-opt-out' THEN 'other' ELSE coalesce(k.kind, 'other') END AS kind,
    CASE WHEN d.decision IS NULL THEN k.rule
         ELSE 'review:' || d.decision || ' by ' || d.decided_by || ' at ' || strftime(d.decided_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') END AS rule,
    m.matched_by,
    EXISTS (SELECT 1 FROM work.contacts AS c WHERE c.e164 = m.e164) AS contact_holds_number
FROM matched AS m
LEFT JOIN classified_bodies AS k ON k.body IS NOT DISTINCT FROM m.body
LEFT JOIN (
    SELECT inbound_id, arg_max(decision, decided_at) AS decision, arg_max(decided_by, decided_at) AS decided_by,
           max(decided_at) AS decided_at
    FROM core.review_decisions GROUP BY inbound_id
) AS d USING (inbound_id)
