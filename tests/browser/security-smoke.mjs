// Security in the browser (headless Debian chromium, never a downloaded browser): the CSP holds, hostile text stays
// text, dismissal needs its confirmation page, shadow evidence is the DPIA reviewer's only.
// usage: node security-smoke.mjs <baseUrl> <screenshotDir>   → prints one JSON line with what it saw.
import { launch } from './launch.mjs';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const result = { dialogs: 0, cspViolations: 0 };
const evil = 'Controle <img src=x onerror=alert(1)><script>alert(2)</script> gedaan';
try {
  const page = await (await browser.newContext()).newPage();
  page.on('dialog', async d => { result.dialogs++; await d.dismiss(); });
  page.on('console', m => { if (/Content Security Policy/i.test(m.text())) result.cspViolations++; });

  const login = await page.goto(`${base}/review/dev-login?role=coordinator&name=${encodeURIComponent('<b>mallory</b>')}`);
  result.csp = login.headers()['content-security-policy'] ?? '';
  result.userShown = await page.locator('header .who').innerText();
  await page.locator('#signals tbody tr a').first().click();
  await page.waitForLoadState();
  const detailUrl = page.url();

  // Dismiss with a hostile reason: first the confirmation page, nothing decided yet.
  await page.fill('#decision-form input[name=reason]', evil);
  await page.selectOption('#decision-form select[name=outcome]', 'onterecht');
  await Promise.all([page.waitForNavigation(), page.click('#decision-form button[value=dismiss]')]);
  result.confirmHeading = await page.locator('h1').innerText();
  result.confirmShowsText = (await page.locator('main').innerText()).includes(evil);
  await page.screenshot({ path: `${shots}/security-confirm-dismiss.png`, fullPage: true });
  await page.goto(detailUrl);
  result.statusBeforeConfirm = await page.locator('#status').innerText();
  await page.fill('#decision-form input[name=reason]', evil);
  await page.selectOption('#decision-form select[name=outcome]', 'onterecht');
  await Promise.all([page.waitForNavigation(), page.click('#decision-form button[value=dismiss]')]);
  await Promise.all([page.waitForNavigation(), page.click('#confirm-form button[type=submit]')]);
  result.statusAfterConfirm = await page.locator('#status').innerText();
  result.historyShowsText = (await page.locator('#history').innerText()).includes(evil);
  result.injectedImages = await page.locator('main img').count();
  result.injectedScripts = await page.locator('script').count();

  const run = await (await browser.newContext()).newPage();
  await run.goto(`${base}/review/dev-login?role=coordinator`);
  await run.goto(`${base}/review/runs`);
  await run.locator('#runs a').first().click();
  await run.waitForLoadState();
  result.coordinatorShadowOnRunPage = await run.locator('[id^=shadow-]:not(#shadow-link)').count();
  const shadowUrl = `${run.url()}/schaduw`;
  result.coordinatorShadowStatus = (await run.goto(shadowUrl)).status();

  const reviewer = await (await browser.newContext()).newPage();
  await reviewer.goto(`${base}/review/dev-login?role=dpia-reviewer`);
  result.reviewerShadowStatus = (await reviewer.goto(shadowUrl)).status();
  result.reviewerShadowModels = await reviewer.locator('[id^=shadow-]').count();
  await reviewer.screenshot({ path: `${shots}/security-shadow-reviewer.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
