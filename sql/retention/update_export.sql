UPDATE core.exports SET rows = $rows WHERE path = $path
