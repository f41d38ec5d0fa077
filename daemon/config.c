/*
 * config.c: glossd's configuration file.
 *
 * The format is deliberately tiny, `key = value` lines with `#` comments,
 * so an operator can read it at a glance and a typo is an error with a
 * line number instead of a setting silently ignored.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glossd.h"

#define CONFIG_FILE_MAX	(1024 * 1024)

enum config_kind {
	CONFIG_STRING,
	CONFIG_URL,			/* http or https, no trailing '/' */
	CONFIG_HTTP_URL,		/* the same, http only */
	CONFIG_SIZE,
	CONFIG_INT,
	CONFIG_KEY,
	CONFIG_MODE,
	CONFIG_RECORD_MODE,
};

static const char *config_modes[MODERATION__MAX] = {
	[MODERATION_NONE] = "none",
	[MODERATION_FIRST] = "first",
	[MODERATION_ALL] = "all",
};

struct config_key {
	const char		*name;
	enum config_kind	 kind;
	size_t			 offset;
	long long		 min;
	long long		 max;
};

#define OFF(f)	offsetof(struct config, f)
static const struct config_key config_keys[] = {
	{ "listen", CONFIG_STRING, OFF(listen), 0, 0 },
	{ "port", CONFIG_INT, OFF(port), 0, 65535 },
	{ "database", CONFIG_STRING, OFF(database), 0, 0 },
	{ "base_url", CONFIG_URL, OFF(base_url), 0, 0 },
	{ "mirror", CONFIG_HTTP_URL, OFF(mirror), 0, 0 },
	{ "mirror_interval", CONFIG_INT, OFF(mirror_interval), 1, 3600 },
	{ "curator", CONFIG_KEY, OFF(curators), 0, 0 },
	{ "importer", CONFIG_KEY, OFF(importers), 0, 0 },
	{ "moderator", CONFIG_KEY, OFF(moderators), 0, 0 },
	{ "reviewer", CONFIG_KEY, OFF(reviewers), 0, 0 },
	{ "moderation", CONFIG_MODE, OFF(moderation), 0, 0 },
	{ "record_moderation", CONFIG_RECORD_MODE, 0, 0, 0 },
	{ "flag_threshold", CONFIG_INT, OFF(flag_threshold), 1, 1000 },
	{ "rate_key_writes", CONFIG_INT, OFF(rates.key_writes), 0, 100000 },
	{ "rate_ip_writes", CONFIG_INT, OFF(rates.ip_writes), 0, 100000 },
	{ "rate_ip_reads", CONFIG_INT, OFF(rates.ip_reads), 0, 10000000 },
	{ "trusted_proxy", CONFIG_STRING, OFF(trusted_proxy), 0, 0 },
	{ "max_body", CONFIG_SIZE, OFF(limits.max_body), 1024, 64 << 20 },
	{ "max_headers", CONFIG_SIZE, OFF(limits.max_headers), 1024,
	    1 << 20 },
	{ "max_text", CONFIG_SIZE, OFF(limits.stmt.max_text), 1, 1 << 20 },
	{ "max_links", CONFIG_SIZE, OFF(limits.stmt.max_links), 0, 1000 },
	{ "max_url", CONFIG_SIZE, OFF(limits.stmt.max_url), 16, 65536 },
	{ "timeout", CONFIG_INT, OFF(limits.timeout), 1, 3600 },
	{ "page_max", CONFIG_INT, OFF(limits.page_max), 1, 10000 },
	{ "query_ms", CONFIG_INT, OFF(limits.query_ms), 0, 600000 },
	{ "skew", CONFIG_INT, OFF(limits.skew), 0, 7 * 86400 },
};
#undef OFF

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->listen = xstrdup("127.0.0.1");
	cfg->port = 8080;
	cfg->database = xstrdup("gloss.db");
	cfg->limits.max_body = 64 * 1024;
	cfg->limits.max_headers = 8 * 1024;
	cfg->limits.timeout = 30;
	cfg->limits.page_max = 500;
	cfg->limits.query_ms = 1000;
	cfg->limits.skew = 600;
	cfg->limits.stmt = stmt_default_limits;
	cfg->flag_threshold = 3;
	cfg->mirror_interval = 5;
	cfg->rates.key_writes = 10;
	cfg->rates.ip_writes = 60;
	cfg->rates.ip_reads = 6000;
}

void
config_clear(struct config *cfg)
{
	free(cfg->listen);
	free(cfg->database);
	free(cfg->base_url);
	free(cfg->mirror);
	free(cfg->curators.keys);
	free(cfg->importers.keys);
	free(cfg->moderators.keys);
	free(cfg->reviewers.keys);
	free(cfg->record_modes);
	free(cfg->trusted_proxy);
	memset(cfg, 0, sizeof *cfg);
}

/* A decimal number with an optional k or m suffix (powers of 1024). */
static int
config_number(const char *s, long long *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || errno != 0 || n < 0)
		return -1;
	if (*end == 'k' || *end == 'K') {
		if (n > LLONG_MAX / 1024)
			return -1;
		n *= 1024;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		if (n > LLONG_MAX / (1024 * 1024))
			return -1;
		n *= 1024 * 1024;
		end++;
	}
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

static const char *
config_skip(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int
config_mode(const char *s)
{
	int	i;

	for (i = 0; i < MODERATION__MAX; i++) {
		if (strcmp(s, config_modes[i]) == 0)
			return i;
	}
	return -1;
}

static int
config_set(struct config *cfg, const struct config_key *key,
    const char *value, char **cause)
{
	char			*field = (char *)cfg + key->offset;
	struct config_keys	*list;
	struct config_record_mode *rm;
	const char		*errstr, *sp;
	long long		 n;
	size_t			 len;
	int			 mode;

	switch (key->kind) {
	case CONFIG_MODE:
		if ((mode = config_mode(value)) == -1)
			goto badmode;
		*(enum config_moderation *)field = mode;
		return 0;
	case CONFIG_RECORD_MODE:
		sp = strchr(value, ' ');
		if (sp == NULL || (size_t)(sp - value) > GLOSS_RID_MAX ||
		    (mode = config_mode(config_skip(sp))) == -1) {
			xasprintf(cause, "%s takes a record id and none, first "
			    "or all", key->name);
			return -1;
		}
		cfg->record_modes = xreallocarray(cfg->record_modes,
		    cfg->nrecord_modes + 1, sizeof *cfg->record_modes);
		rm = &cfg->record_modes[cfg->nrecord_modes];
		memcpy(rm->rid, value, sp - value);
		rm->rid[sp - value] = '\0';
		rm->mode = mode;
		if (!stmt_rid_valid(rm->rid)) {
			xasprintf(cause, "%s: not a record id", key->name);
			return -1;
		}
		cfg->nrecord_modes++;
		return 0;
	case CONFIG_URL:
	case CONFIG_HTTP_URL:
		if ((strncmp(value, "http://", 7) != 0 &&
		    (key->kind == CONFIG_HTTP_URL ||
		    strncmp(value, "https://", 8) != 0)) ||
		    strpbrk(value, " \t\"<>") != NULL) {
			xasprintf(cause, "%s must be an %s URL", key->name,
			    key->kind == CONFIG_HTTP_URL ? "http" :
			    "http or https");
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		/* One spelling: "http://h/" and "http://h" are one URL. */
		len = strlen(value);
		while (len > 8 && (*(char **)field)[len - 1] == '/')
			(*(char **)field)[--len] = '\0';
		return 0;
	case CONFIG_STRING:
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONFIG_KEY:
		list = (struct config_keys *)field;
		list->keys = xreallocarray(list->keys, list->n + 1,
		    sizeof *list->keys);
		if (minisig_pubkey_parse(value, strlen(value),
		    &list->keys[list->n], &errstr) == -1) {
			xasprintf(cause, "%s is not a public key: %s",
			    key->name, errstr);
			return -1;
		}
		list->n++;
		return 0;
	case CONFIG_SIZE:
	case CONFIG_INT:
		if (config_number(value, &n) == -1 || n < key->min ||
		    n > key->max) {
			xasprintf(cause, "%s must be a number from %lld to %lld",
			    key->name, key->min, key->max);
			return -1;
		}
		if (key->kind == CONFIG_SIZE)
			*(size_t *)field = (size_t)n;
		else
			*(int *)field = (int)n;
		return 0;
	}
	return -1;
badmode:
	xasprintf(cause, "%s must be none, first or all", key->name);
	return -1;
}

const char *
config_moderation_name(enum config_moderation mode)
{
	return config_modes[mode];
}

/*
 * The moderation mode of record rid: its own (the last line naming it,
 * as for every other key), or the daemon's.
 */
enum config_moderation
config_moderation(const struct config *cfg, const char *rid)
{
	size_t	i;

	for (i = cfg->nrecord_modes; i > 0; i--) {
		if (strcmp(cfg->record_modes[i - 1].rid, rid) == 0)
			return cfg->record_modes[i - 1].mode;
	}
	return cfg->moderation;
}

static char *
config_trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/*
 * Parse a configuration text into cfg (which holds defaults or earlier
 * settings).  name is used in messages.  On error returns -1 with *cause a
 * malloc'd "name:line: problem" sentence.
 */
int
config_parse(struct config *cfg, const char *text, size_t len,
    const char *name, char **cause)
{
	const char	*nul, *c;
	char		*copy, *line, *next, *key, *value, *eq, *why = NULL;
	size_t		 i;
	int		 lineno = 0, rc = 0;

	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (c = text; c < nul; c++)
			lineno += *c == '\n';
		xasprintf(cause, "%s:%d: holds a NUL byte", name, lineno + 1);
		return -1;
	}
	copy = xstrndup(text, len);
	for (line = copy; line != NULL && rc == 0; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '#')) != NULL)
			*eq = '\0';
		key = config_trim(line);
		if (*key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			xasprintf(&why, "expected key = value");
			rc = -1;
			break;
		}
		*eq = '\0';
		key = config_trim(key);
		value = config_trim(eq + 1);
		for (i = 0; i < sizeof config_keys / sizeof config_keys[0];
		    i++) {
			if (strcmp(key, config_keys[i].name) == 0)
				break;
		}
		if (i == sizeof config_keys / sizeof config_keys[0]) {
			xasprintf(&why, "unknown key \"%.32s\"", key);
			rc = -1;
		} else if (*value == '\0') {
			xasprintf(&why, "%s needs a value", key);
			rc = -1;
		} else
			rc = config_set(cfg, &config_keys[i], value, &why);
	}
	if (rc == -1) {
		xasprintf(cause, "%s:%d: %s", name, lineno, why);
		free(why);
	}
	free(copy);
	return rc;
}

int
config_load(struct config *cfg, const char *path, char **cause)
{
	FILE	*f;
	char	*text;
	size_t	 len;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = xmalloc(CONFIG_FILE_MAX + 1);
	len = fread(text, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f) || len > CONFIG_FILE_MAX) {
		xasprintf(cause, "%s: %s", path, ferror(f) ? strerror(errno) :
		    "larger than 1 MiB");
		rc = -1;
	} else
		rc = config_parse(cfg, text, len, path, cause);
	free(text);
	fclose(f);
	return rc;
}

/* Whether key is in the list (curators, importers). */
int
config_has_key(const struct config_keys *list,
    const struct minisig_pubkey *key)
{
	size_t	i;

	for (i = 0; i < list->n; i++) {
		if (memcmp(&list->keys[i], key, sizeof *key) == 0)
			return 1;
	}
	return 0;
}

/* Whether author, a key as statements name it (base64), is in list. */
int
config_has_author(const struct config_keys *list, const char *author)
{
	struct minisig_pubkey	 pk;
	const char		*errstr;

	return minisig_pubkey_parse(author, strlen(author), &pk,
	    &errstr) == 0 && config_has_key(list, &pk);
}

/*
 * The role the configuration gives author (a key as statements name it):
 * "moderator", "curator", "importer" or "reviewer", the first it is
 * listed as in that order; NULL for a key it does not list.
 */
const char *
config_role(const struct config *cfg, const char *author)
{
	if (config_has_author(&cfg->moderators, author))
		return "moderator";
	if (config_has_author(&cfg->curators, author))
		return "curator";
	if (config_has_author(&cfg->importers, author))
		return "importer";
	if (config_has_author(&cfg->reviewers, author))
		return "reviewer";
	return NULL;
}
