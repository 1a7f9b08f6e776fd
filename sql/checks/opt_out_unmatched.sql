/* check
job: compliance
severity: medium
principle: opt-outs
rule: policy opt_out.unmatched_is_finding; 47 CFR 64.1200(a)(10)
explanation: An inbound opt-out came from a number no contact holds (it is suppressed by its keyed hash).
finds: an inbound opt-out from a number no contact holds after matching again (see Reply numbers); only when `opt_out.unmatched_is_finding` is true (off by default; the report then says "off by policy")
enabled_by: opt_out.unmatched_is_finding
*/
-- opt_out_unmatched: an inbound opt-out from a number no contact holds (nationally typed and not
-- matched, or unknown). It is suppressed by its keyed hash all the same; the finding says that the
-- list and the SMS platform disagree about who this is. Runs when opt_out.unmatched_is_finding.
SELECT
    'inbound' AS record_table,
    inbound_id AS record_id,
    subject,
    'opt-out from a number no contact holds (' || coalesce(matched_by, 'number not matched') || ')' AS detail
FROM work.inbound
WHERE kind = 'opt_out' AND NOT contact_holds_number
