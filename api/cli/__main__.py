"""`python -m api.cli` runs the `fairrecruit` command (handy where the script is not on PATH)."""
from api.cli import main

main()
