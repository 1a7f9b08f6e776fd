-- What each distinct message body says and weighs: does it name a sender, does it carry an
-- opt-out instruction (both case-insensitive), its SMS encoding and segment count. Bodies repeat
-- across a campaign, so this is computed once per body and joined back by body hash.
SELECT
    hash(body) AS body_hash,
    len(list_filter(CAST($sender_names AS VARCHAR[]), name -> contains(lower(body), lower(name)))) > 0 AS names_sender,
    len(list_filter(CAST($opt_out_instructions AS VARCHAR[]), phrase -> contains(lower(body), lower(phrase)))) > 0
        AS has_opt_out_instruction,
    encoding,
    CASE WHEN units <= CASE encoding WHEN 'gsm7' THEN 160 ELSE 70 END THEN 1
         ELSE CAST(ceil(units / CASE encoding WHEN 'gsm7' THEN 153 ELSE 67 END) AS INTEGER) END AS segments
FROM (
    SELECT
        body,
        CASE WHEN regexp_full_match(body, $gsm_only) THEN 'gsm7' ELSE 'ucs2' END AS encoding,
        CASE WHEN regexp_full_match(body, $gsm_only)
             THEN length(body) + length(regexp_replace(body, $not_gsm_extension, '', 'g'))  -- GSM septets
             ELSE length(body) + length(regexp_replace(body, '[^\x{10000}-\x{10FFFF}]', '', 'g'))  -- UTF-16 units
        END AS units
    FROM (SELECT DISTINCT coalesce(body, '') AS body FROM work.scoped_messages)
)
