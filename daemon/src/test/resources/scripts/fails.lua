-- A script whose top level fails (CommandFrontTest: the error comes back as the command's output).
error("this script fails on purpose")
