package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// stdin is where passwords are read from: the terminal, without echo, or
// the first line of a pipe (scripts, tests).
var stdin io.Reader = os.Stdin

// stdinLines reads piped lines, shared by every prompt of one command.
var stdinLines *bufio.Reader

// readPassword prompts on stderr and reads a password. Nothing is echoed
// on a terminal; a piped password is its line without the newline.
func readPassword(prompt string, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return string(b), nil
	}
	if stdinLines == nil {
		stdinLines = bufio.NewReader(stdin)
	}
	line, err := stdinLines.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
