-- The policy document the current run recorded when it began.
SELECT policy FROM work.run
