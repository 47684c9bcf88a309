// Drives Debian's chromium through brisk's documentation pages, as a user would:
//
//   node docs.js BASE_URL ARTIFACTS_DIR [--bearer]      (tests/http/apps/docsapp)
//   node docs.js BASE_URL ARTIFACTS_DIR --oauth2=USER:PASSWORD    (examples/todo)
//
// Swagger UI at BASE_URL/docs: expand an operation, "Try it out", "Execute", and read the
// live response; with --bearer also the protected GET /me: 401 before "Authorize", 200
// after, with the token typed in the dialog. Then ReDoc at BASE_URL/redoc. With --oauth2
// instead: GET /users/me 401, then "Authorize" with the OAuth2 password flow's username and
// password (Swagger UI posts them to the token URL), then GET /users/me 200 as that user. Every request
// to a host other than 127.0.0.1 is refused and fails the run: the pages must work
// offline. Screenshots go to ARTIFACTS_DIR. Exits 0 when every check passed; otherwise
// prints what failed and exits 1. playwright-core is resolved from $BRISK_NODE_MODULES.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { chromium } = require(path.join(process.env.BRISK_NODE_MODULES || 'node_modules',
                                       'playwright-core'));

const [base, artifacts] = process.argv.slice(2);
const withBearer = process.argv.includes('--bearer');
const oauth2Login = (process.argv.find((a) => a.startsWith('--oauth2=')) || '').slice(9);
const TOKEN = 'brisk-test-token-42';

const offHost = [];        // URLs the pages tried to reach outside 127.0.0.1
const pageErrors = [];     // uncaught exceptions in the pages

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// The operation block of one route in Swagger UI, found by method and path.
function operation(page, method, route) {
  return page.locator(`.opblock-${method}`).filter({
    has: page.locator('.opblock-summary-path', { hasText: new RegExp(`^${route.replace(/[{}]/g, '\\$&')}$`) }),
  });
}

// Opens an operation, switches it to "Try it out" once, fills its parameters, executes it,
// and returns the status code and body Swagger UI shows for the live response.
async function execute(page, op, params) {
  if (!(await op.locator('.opblock-body').isVisible())) await op.locator('.opblock-summary').click();
  // One button toggles between "Try it out" and "Cancel"; it appears once the body has.
  const toggle = op.locator('.try-out button');
  await toggle.waitFor();
  if ((await toggle.innerText()).trim() === 'Try it out') await toggle.click();
  await op.getByRole('button', { name: 'Execute' }).waitFor();
  for (const [name, value] of Object.entries(params || {})) {
    await op.locator(`tr[data-param-name="${name}"] input`).fill(value);
  }
  // A previous execution's response would satisfy the wait below: clear it first.
  const clear = op.getByRole('button', { name: 'Clear' });
  if (await clear.isVisible()) await clear.click();
  await op.getByRole('button', { name: 'Execute' }).click();
  const live = op.locator('.live-responses-table tbody tr.response');
  await live.first().waitFor();
  // The cell may add "Undocumented" under a status the document does not list.
  const cell = await live.locator('td.response-col_status').first().innerText();
  const status = (cell.trim().match(/^\d{3}/) || [cell])[0];
  const body = await live.locator('.response-col_description pre.microlight, ' +
                                  '.response-col_description .highlight-code pre').first().innerText();
  return { status, body };
}

async function swagger(page) {
  await page.goto(`${base}/docs`);
  check(await page.title() === 'Docs App - Swagger UI', 'Swagger UI page title');
  const op = operation(page, 'get', '/items/{item_id}');
  await op.waitFor();
  check(await op.locator('.opblock-summary-description').innerText() === 'Read an item',
        'operation summary from the OpenAPI document');
  await shot(page, 'swagger-ui');

  const r = await execute(page, op, { item_id: '42', q: 'hello' });
  await shot(page, 'swagger-ui-executed');
  check(r.status === '200', `GET /items/42 answered ${r.status} in Swagger UI`);
  const got = JSON.parse(r.body);
  check(got.item_id === 42 && got.q === 'hello', `live response body ${JSON.stringify(got)}`);
  const url = await op.locator('.request-url pre').innerText();
  check(url === `${base}/items/42?q=hello`, `request URL shown: ${url}`);

}

async function bearer(page) {
  const op = operation(page, 'get', '/me');
  await op.waitFor();
  check(await op.locator('.authorization__btn').count() === 1, 'GET /me shows a lock');

  const before = await execute(page, op);
  check(before.status === '401', `GET /me without authorizing answered ${before.status}`);

  await page.locator('.auth-wrapper .btn.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  await dialog.locator('input').first().fill(TOKEN);
  // By their text: their accessible names ("Apply credentials", ...) vary by version.
  const button = (text) => dialog.locator('button', { hasText: new RegExp(`^${text}$`) });
  await button('Authorize').click();
  await button('Logout').waitFor();
  await shot(page, 'swagger-ui-authorized');
  await button('Close').click();
  await dialog.waitFor({ state: 'detached' });

  const after = await execute(page, op);
  await shot(page, 'swagger-ui-bearer');
  check(after.status === '200', `GET /me after authorizing answered ${after.status}`);
  check(JSON.parse(after.body).token === TOKEN, `the token reached the server: ${after.body}`);
}

async function oauth2(page, user, password) {
  await page.goto(`${base}/docs`);
  const op = operation(page, 'get', '/users/me');
  await op.waitFor();
  const before = await execute(page, op);
  check(before.status === '401', `GET /users/me before logging in answered ${before.status}`);

  await page.locator('.auth-wrapper .btn.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  await dialog.locator('input#oauth_username').fill(user);
  await dialog.locator('input#oauth_password').fill(password);
  const button = (text) => dialog.locator('button', { hasText: new RegExp(`^${text}$`) });
  await button('Authorize').click();
  await button('Logout').waitFor();
  await shot(page, 'swagger-ui-oauth2-authorized');
  await button('Close').click();
  await dialog.waitFor({ state: 'detached' });

  const after = await execute(page, op);
  await shot(page, 'swagger-ui-oauth2');
  check(after.status === '200', `GET /users/me after logging in answered ${after.status}`);
  check(JSON.parse(after.body).username === user, `logged in as ${user}: ${after.body}`);
}

async function redoc(page) {
  await page.goto(`${base}/redoc`);
  check(await page.title() === 'Docs App - ReDoc', 'ReDoc page title');
  await page.getByRole('heading', { name: /Docs App/ }).first().waitFor();
  await page.getByRole('heading', { name: 'Read an item' }).first().waitFor();
  check(true, 'ReDoc rendered the document');
  await shot(page, 'redoc');
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'brisk-chromium-'));
  let context;
  try {
    // The machine is offline: without these, chromium waits on (or fails at) its own
    // background services.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(20000);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).hostname === '127.0.0.1') return route.continue();
      offHost.push(url);
      return route.abort('blockedbyclient');
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') console.log(`console: ${m.text()}`); });

    // The guard itself: a request elsewhere must be caught (and then forgotten).
    await page.goto(`${base}/docs/favicon.png`);
    await page.evaluate(() => fetch('http://198.51.100.7/probe').catch(() => null));
    check(offHost.length === 1 && offHost[0] === 'http://198.51.100.7/probe',
          'requests off 127.0.0.1 are caught');
    offHost.length = 0;

    if (oauth2Login) {
      const colon = oauth2Login.indexOf(':');
      await oauth2(page, oauth2Login.slice(0, colon), oauth2Login.slice(colon + 1));
    } else {
      await swagger(page);
      if (withBearer) await bearer(page);
      await redoc(page);
    }

    check(pageErrors.length === 0, `no errors in the pages ${JSON.stringify(pageErrors)}`);
    check(offHost.length === 0, `no request left 127.0.0.1 ${JSON.stringify(offHost)}`);
  } catch (e) {
    console.log(`FAILED: ${e.message}`);
    if (offHost.length) console.log(`requests off 127.0.0.1: ${JSON.stringify(offHost)}`);
    if (pageErrors.length) console.log(`page errors: ${JSON.stringify(pageErrors)}`);
    for (const p of (context ? context.pages() : [])) {
      await p.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
    }
    process.exitCode = 1;
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main();
