/*
 * tty.c: reading a person's answers from the terminal, for the commands
 * that walk a list one item at a time (gloss mod queue, gloss review).
 *
 * Keys come from /dev/tty opened for reading only (a stream that is read
 * and written may drop what it read ahead); prompts go to stdout.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "client.h"

/* One key press from the terminal, without waiting for a newline. */
int
tty_keypress(FILE *tty)
{
	struct termios	old, raw;
	int		ch;

	if (tcgetattr(fileno(tty), &old) == -1)
		return fgetc(tty);
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(fileno(tty), TCSANOW, &raw);
	ch = fgetc(tty);
	tcsetattr(fileno(tty), TCSANOW, &old);
	return ch;
}

/* A line from the terminal after prompt; NULL if none was given. */
char *
tty_line(FILE *tty, const char *prompt)
{
	char	line[1024];

	printf("%s: ", prompt);
	fflush(stdout);
	if (fgets(line, sizeof line, tty) == NULL)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return line[0] != '\0' ? xstrdup(line) : NULL;
}
