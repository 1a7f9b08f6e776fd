SELECT raw, default_region FROM work.numbers_to_parse
