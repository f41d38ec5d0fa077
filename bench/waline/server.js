// server.js: start @waline/vercel standalone (as its vanilla.js does) but
// bound to 127.0.0.1, for bench/run's Waline reference.  bench/run copies
// it into the npm cache directory, next to node_modules, so require finds
// Waline there.  From ../shared/peers/waline/waline_server.js.
// usage (from the Waline directory): node bench_server.js PORT
// environment: SQLITE_PATH, SQLITE_DB, JWT_TOKEN, OAUTH_URL, AKISMET_KEY,
// IPQPS, DISABLE_REGION, NODE_ENV (bench/run sets them all).
const path = require('node:path');
const Application = require('thinkjs');
const root = path.dirname(require.resolve('@waline/vercel/vanilla.js'));
const app = new Application({ ROOT_PATH: root, APP_PATH: path.join(root, 'src'),
  proxy: true, env: 'production' });
app.run();
think.config('host', process.env.WALINE_HOST || '127.0.0.1');
