// Node.js `http` module peer for the brisk benchmark: no framework, one process.
'use strict';
const http = require('http');
const { validateItem } = require('./item.js');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '8080'));

function send(res, status, type, body) {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

// GET /me: "Authorization: Bearer <token>" read by hand (split at the first space, the
// scheme in any case, a non-empty token); the token is the current user.
function bearerToken(req) {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const sp = h.indexOf(' ');
  if (sp < 0 || h.slice(0, sp).toLowerCase() !== 'bearer' || sp + 1 === h.length) return null;
  return h.slice(sp + 1);
}

const ITEM = /^\/items\/([^/]+)$/;
const MAX_BODY = 1 << 20;

// POST /items: collect the body, JSON.parse, validate by hand, echo the item.
function createItem(req, res) {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) {
      send(res, 413, 'application/json', JSON.stringify({ detail: 'Payload Too Large' }));
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    let value;
    try {
      value = JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8')
        : Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      send(res, 422, 'application/json', JSON.stringify({ detail: 'invalid JSON' }));
      return;
    }
    const r = validateItem(value);
    if (r.errors) {
      send(res, 422, 'application/json', JSON.stringify({ detail: r.errors }));
      return;
    }
    send(res, 200, 'application/json', JSON.stringify(r.item));
  });
}

const server = http.createServer((req, res) => {
  const url = req.url;
  const qi = url.indexOf('?');
  const path = qi < 0 ? url : url.slice(0, qi);
  const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));

  if (path === '/items' && req.method === 'POST') {
    createItem(req, res);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'application/json', JSON.stringify({ detail: 'Method Not Allowed' }));
    return;
  }
  if (path === '/plaintext') {
    send(res, 200, 'text/plain; charset=utf-8', 'Hello, World!');
  } else if (path === '/json') {
    send(res, 200, 'application/json', JSON.stringify({ message: 'Hello, World!' }));
  } else if (path === '/me') {
    const user = bearerToken(req);
    if (user === null) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      send(res, 401, 'application/json', JSON.stringify({ detail: 'Not authenticated' }));
      return;
    }
    send(res, 200, 'application/json', JSON.stringify({ user: user }));
  } else if (path === '/sleep') {
    const ms = query.has('ms') ? Number(query.get('ms')) : 100;
    if (!Number.isInteger(ms) || ms < 0) {
      send(res, 422, 'application/json', JSON.stringify({ detail: 'ms must be a non-negative integer' }));
      return;
    }
    setTimeout(() => send(res, 200, 'text/plain; charset=utf-8', 'ok'), ms);
  } else if (path === '/health') {
    send(res, 200, 'text/plain; charset=utf-8', 'ok');
  } else {
    const m = ITEM.exec(path);
    if (m === null) {
      send(res, 404, 'application/json', JSON.stringify({ detail: 'Not Found' }));
      return;
    }
    if (!/^-?[0-9]+$/.test(m[1])) {
      send(res, 422, 'application/json', JSON.stringify({ detail: 'item_id must be an integer' }));
      return;
    }
    const q = query.has('q') ? query.get('q') : null;
    send(res, 200, 'application/json', JSON.stringify({ item_id: Number(m[1]), q: q }));
  }
});

// Idle keep-alive connections are held for a minute (Node's default is 5 s) so that the
// idle-connection memory test measures held connections; see bench/README.md.
server.keepAliveTimeout = 60000;
server.headersTimeout = 61000;
server.listen(port, host, 4096);
