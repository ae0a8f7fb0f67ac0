// The DPIA reviewer reads quality per model version and the control-sample comparison, then suspends OVB; the
// coordinator's list no longer shows OVB's open candidates. Headless Debian chromium.
// usage: node dpia-quality.mjs <baseUrl> <screenshotDir>  → prints one JSON line with what it saw.
import { launch } from './launch.mjs';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const result = { consoleMessages: [] };
try {
  const reviewer = await (await browser.newContext()).newPage();
  reviewer.on('console', m => result.consoleMessages.push(m.text()));
  await reviewer.goto(`${base}/review/dev-login?role=dpia-reviewer&name=bram`);
  await reviewer.goto(`${base}/review/models`);
  const ovb = reviewer.locator('#quality tr[data-model=OVB][data-version="2.0.0"]');
  result.ovbPrecision = await ovb.locator('.precision').innerText();
  result.ovbLift = await ovb.locator('.lift').innerText();
  result.ctlRow = await reviewer.locator('#quality tr[data-model=CTL] .lift').innerText();
  result.ctlText = await reviewer.locator('#ctl').innerText();
  result.codeHash = await reviewer.locator('#card-OVB .code-hash').innerText();
  await reviewer.screenshot({ path: `${shots}/dpia-quality.png`, fullPage: true });

  await reviewer.goto(`${base}/review/dpia`);
  await reviewer.selectOption('#suspend-form select[name=model]', 'OVB');
  await reviewer.fill('#suspend-form input[name=reason]', 'Precisie onvoldoende, eerst evalueren');
  await Promise.all([reviewer.waitForNavigation(), reviewer.click('#suspend-form button[type=submit]')]);
  result.suspensions = await reviewer.locator('#suspensions tr').count() - 1;
  result.inForce = await reviewer.locator('#in-force').innerText();

  const coordinator = await (await browser.newContext()).newPage();
  coordinator.on('console', m => result.consoleMessages.push(m.text()));
  await coordinator.goto(`${base}/review/dev-login?role=coordinator`);
  await coordinator.goto(`${base}/review`);
  result.suspendedNote = await coordinator.locator('#suspended-note').innerText();
  result.ovbLinks = await coordinator.locator('#signals a[href*="/review/signals/OVB-"]').count();
  await coordinator.screenshot({ path: `${shots}/coordinator-suspended.png`, fullPage: true });
  await coordinator.goto(`${base}/review?inactive=1&model=OVB`);
  await Promise.all([coordinator.waitForNavigation(), coordinator.locator('#signals tbody tr a').first().click()]);
  result.signalBanner = await coordinator.locator('#model-suspended').innerText();
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
