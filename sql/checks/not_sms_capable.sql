/* check
job: accuracy
severity: medium
principle: accuracy
rule: policy accuracy.not_sms_capable; GDPR Art. 5(1)(d)
explanation: The number is a fixed line, toll-free, premium rate, shared cost, voicemail, pager or UAN.
finds: a valid fixed line, toll-free, premium rate, shared cost, voicemail, pager or UAN number (`FIXED_LINE_OR_MOBILE` is not flagged)
binds:
  not_sms_capable: accuracy.not_sms_capable
*/
-- not_sms_capable: a valid number of a line type that cannot receive SMS (FIXED_LINE_OR_MOBILE passes).
SELECT
    'contacts' AS record_table,
    contact_id AS record_id,
    subject,
    'line type ' || line_type AS detail
FROM work.contacts
WHERE is_valid AND list_contains($not_sms_capable, line_type)
