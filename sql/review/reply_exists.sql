SELECT count(*) > 0 FROM core.inbound WHERE inbound_id = $inbound_id
