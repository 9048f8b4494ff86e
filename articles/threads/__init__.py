"""Comment threads: the thread queries, the HTML renderer, the page cache, tree locks, and the
integrity check and repair."""
