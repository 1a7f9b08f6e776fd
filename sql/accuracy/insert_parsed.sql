INSERT INTO cache.numbers BY NAME SELECT * FROM parsed_numbers
