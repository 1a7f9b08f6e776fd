-- The suppression entry of the person's number, found by the number, a contact holding it, or
-- (after the contact's deletion) its consent proofs.
SELECT * FROM core.suppression
WHERE subject = $subject
   OR subject IN (SELECT subject FROM core.contacts WHERE list_contains($contact_ids, contact_id))
   OR subject IN (SELECT subject FROM core.consent_proof WHERE list_contains($contact_keys, contact_key))
