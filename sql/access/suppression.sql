SELECT * FROM core.suppression
WHERE subject = $subject OR subject IN (SELECT subject FROM core.contacts WHERE list_contains($contact_ids, contact_id))
