from wendbaar.cli import main

main()
