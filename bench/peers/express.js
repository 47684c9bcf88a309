// Express peer for the brisk benchmark: Express defaults (ETag, X-Powered-By) are kept.
'use strict';
const express = require('express');
const { validateItem } = require('./item.js');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '8080'));

const app = express();

app.get('/plaintext', (req, res) => {
  res.type('text/plain').send('Hello, World!');
});

app.get('/json', (req, res) => {
  res.json({ message: 'Hello, World!' });
});

app.get('/items/:item_id', (req, res) => {
  const raw = req.params.item_id;
  if (!/^-?[0-9]+$/.test(raw)) {
    res.status(422).json({ detail: 'item_id must be an integer' });
    return;
  }
  const q = typeof req.query.q === 'string' ? req.query.q : null;
  res.json({ item_id: Number(raw), q: q });
});

// express.json(): Express's own body parser (400 on malformed JSON, as Express answers).
app.post('/items', express.json(), (req, res) => {
  const r = validateItem(req.body);
  if (r.errors) {
    res.status(422).json({ detail: r.errors });
    return;
  }
  res.json(r.item);
});

// GET /me: "Authorization: Bearer <token>" read by hand, as Express does without a
// security library (split at the first space, the scheme in any case, a non-empty token).
function currentUser(req, res, next) {
  const h = req.get('Authorization');
  const sp = typeof h === 'string' ? h.indexOf(' ') : -1;
  if (sp < 0 || h.slice(0, sp).toLowerCase() !== 'bearer' || sp + 1 === h.length) {
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ detail: 'Not authenticated' });
    return;
  }
  req.user = h.slice(sp + 1);
  next();
}

app.get('/me', currentUser, (req, res) => {
  res.json({ user: req.user });
});

app.get('/sleep', (req, res) => {
  const ms = req.query.ms === undefined ? 100 : Number(req.query.ms);
  if (!Number.isInteger(ms) || ms < 0) {
    res.status(422).json({ detail: 'ms must be a non-negative integer' });
    return;
  }
  setTimeout(() => res.type('text/plain').send('ok'), ms);
});

app.get('/health', (req, res) => {
  res.type('text/plain').send('ok');
});

const server = app.listen(port, host, 4096);
// Same keep-alive setting as the plain http peer (see http.js).
server.keepAliveTimeout = 60000;
server.headersTimeout = 61000;
