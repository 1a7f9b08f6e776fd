SELECT consent_required FROM work.policy_purposes WHERE name = $purpose
