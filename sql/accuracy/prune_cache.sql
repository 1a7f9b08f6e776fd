-- Values parsed by another phonenumbers version are parsed again: drop them.
DELETE FROM cache.numbers WHERE parser_version <> $parser_version
