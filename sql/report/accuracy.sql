SELECT contacts, valid, valid_share, previous_valid_share, valid_share_drop, max_valid_share_drop,
       line_types, country_mismatches, mismatch_pairs, values_parsed
FROM work.report_accuracy
