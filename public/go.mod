// The copies of the book's example programs, for readers to download.
module site
