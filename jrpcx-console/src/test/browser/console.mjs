// Drives the jrpcx console in Debian's headless Chromium, one scenario per run:
//   node console.mjs MODE CONSOLE_URL SCREENSHOT_DIR [ARGS...]
// Prints "RESULT name=value" lines for ConsoleBrowserTest and exits non-zero with the reason when
// the page does not behave. Every wait is bounded (Playwright's waitFor with a timeout).
import { chromium } from 'playwright-core';

const [mode, url, shots, ...args] = process.argv.slice(2);
const TIMEOUT = 20_000;

function result(name, value) {
  console.log(`RESULT ${name}=${value}`);
}

function row(page, service, node) {
  return page.locator(`tr.node[data-service="${service}"][data-node="${node}"]`);
}

async function openConsole(page) {
  await page.goto(url);
  await page.locator('#status.live').waitFor({ timeout: TIMEOUT });
}

const scenarios = {
  // The page lists the service and each node given, active.
  async list(page) {
    const [service, ...nodes] = args;
    await openConsole(page);
    for (const node of nodes) {
      const r = row(page, service, node);
      await r.waitFor({ timeout: TIMEOUT });
      result(`state.${node}`, (await r.locator('.state').textContent()).trim());
      result(`weight.${node}`, (await r.locator('.weight').textContent()).trim());
    }
    result('services', (await page.locator('table.service caption').allTextContents()).join(','));
    await page.screenshot({ path: `${shots}/services.png`, fullPage: true });
  },

  // Clicks "Switch inactive" (or active) on a node and waits for the registry's confirmation.
  async toggle(page) {
    const [service, node, want] = args;
    await openConsole(page);
    const r = row(page, service, node);
    const button = r.locator('button.toggle');
    await button.waitFor({ timeout: TIMEOUT });
    const label = want === 'inactive' ? 'Switch inactive' : 'Switch active';
    await page.locator(`tr.node[data-node="${node}"] button.toggle:text-is("${label}")`)
      .waitFor({ timeout: TIMEOUT });
    result('clickedAtMs', Date.now());
    await button.click();
    await r.locator('.confirm.ok').waitFor({ timeout: TIMEOUT });
    result('confirmedAtMs', Date.now());
    await r.locator(`.state:text-is("${want}")`).waitFor({ timeout: TIMEOUT });
    result('confirm', (await r.locator('.confirm').textContent()).trim());
    await page.screenshot({ path: `${shots}/${want}.png`, fullPage: true });
  },

  // Types a weight for a node, sets it and waits for the registry's confirmation.
  async weight(page) {
    const [service, node, weight] = args;
    await openConsole(page);
    const r = row(page, service, node);
    await r.locator('input.weight-input').fill(weight);
    await r.locator('button.set-weight').click();
    await r.locator('.confirm.ok').waitFor({ timeout: TIMEOUT });
    await r.locator(`.weight:text-is("${weight}")`).waitFor({ timeout: TIMEOUT });
    result('confirm', (await r.locator('.confirm').textContent()).trim());
    await page.screenshot({ path: `${shots}/weight.png`, fullPage: true });
  },

  // Waits for each node's traffic card to chart probe latency and published calls/s.
  async traffic(page) {
    await openConsole(page);
    for (const node of args) {
      const card = page.locator(`.traffic-node[data-node="${node}"]`);
      await card.locator('.latest', { hasText: 'calls/s' }).waitFor({ timeout: TIMEOUT });
      const p50 = card.locator('polyline.p50');
      await page.waitForFunction(
        (el) => el && el.getAttribute('points').trim().length > 0, await p50.elementHandle(),
        { timeout: TIMEOUT });
      result(`latest.${node}`, (await card.locator('.latest').textContent()).trim());
      result(`p50points.${node}`, (await p50.getAttribute('points')).trim().split(' ').length);
      result(`callspoints.${node}`,
        (await card.locator('polyline.calls').getAttribute('points')).trim().split(' ').length);
    }
    await page.locator('#traffic').screenshot({ path: `${shots}/traffic.png` });
  },

  // Fills the call form and reads the reply.
  async call(page) {
    const [service, method, json, codec] = args;
    await openConsole(page);
    await page.locator(`#call-service option[value="${service}"]`).waitFor({ state: 'attached', timeout: TIMEOUT });
    await page.selectOption('#call-service', service);
    await page.fill('#call-method', method);
    await page.selectOption('#call-codec', codec);
    await page.fill('#call-args', json);
    await page.click('#call-submit');
    await page.locator('#call-result').waitFor({ state: 'visible', timeout: TIMEOUT });
    result('reply', JSON.stringify(JSON.parse(await page.locator('#call-reply').textContent())));
    result('node', (await page.locator('#call-answered').textContent()).trim());
    result('latency', (await page.locator('#call-latency').textContent()).trim());
    await page.screenshot({ path: `${shots}/call.png`, fullPage: true });
  },

  // A console with a token: a wrong token stays on the login form, the right one opens the page.
  async token(page) {
    const [wrong, right, service] = args;
    await page.goto(url);
    await page.locator('#login-form').waitFor({ timeout: TIMEOUT });
    const api = await page.request.get(new URL('/api/services', url).href);
    result('apiWithoutToken', api.status());
    await page.fill('#token', wrong);
    await Promise.all([page.waitForURL(/\/login\?wrong$/, { timeout: TIMEOUT }), page.click('#login-submit')]);
    result('afterWrongToken', new URL(page.url()).pathname);
    await page.screenshot({ path: `${shots}/login-refused.png`, fullPage: true });
    await page.fill('#token', right);
    await page.click('#login-submit');
    await page.locator('#status.live').waitFor({ timeout: TIMEOUT });
    await page.locator(`table.service[data-service="${service}"]`).waitFor({ timeout: TIMEOUT });
    result('afterRightToken', new URL(page.url()).pathname);
    await page.screenshot({ path: `${shots}/logged-in.png`, fullPage: true });
  },
};

const scenario = scenarios[mode];
if (!scenario) {
  console.error(`unknown mode ${mode}; use ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--no-first-run', '--disable-component-update', '--disable-sync'],
});
let code = 0;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => console.error('page error: ' + e.message));
  await scenario(page);
} catch (e) {
  console.error(`${mode} failed: ${e.message}`);
  if (page) {
    // what the page showed, for the test report
    const rows = await page.locator('tr.node').allInnerTexts().catch(() => []);
    for (const r of rows) console.error('row: ' + r.replace(/\s+/g, ' '));
    await page.screenshot({ path: `${shots}/${mode}-failed.png`, fullPage: true }).catch(() => {});
  }
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
