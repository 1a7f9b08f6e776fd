INSERT INTO work.numbers SELECT * FROM parsed_numbers
