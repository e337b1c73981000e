#!/usr/bin/env python
from levelfield.cli import main

if __name__ == "__main__":
    main()
