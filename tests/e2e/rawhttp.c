/*
 * rawhttp.c: send bytes to a port exactly as given and print the answer.
 *
 * curl only speaks valid HTTP; the end-to-end tests also need to send what
 * a broken or hostile client would (bad request lines, endless headers), so
 * this reads the request from stdin, writes it to 127.0.0.1:PORT, shuts
 * down the write side and copies everything the server says to stdout.
 * With -c it closes the connection right after the request instead, as a
 * client that gives up before its answer does.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	char			 buf[65536];
	ssize_t			 n;
	int			 fd, hangup = 0;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		hangup = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: rawhttp [-c] port < request\n");
		return 2;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		perror("rawhttp: connect");
		return 2;
	}
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			perror("rawhttp: write");
			break;
		}
	}
	if (hangup) {
		close(fd);
		return 0;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}
