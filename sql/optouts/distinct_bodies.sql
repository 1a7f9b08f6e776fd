SELECT DISTINCT body FROM staging.inbound
