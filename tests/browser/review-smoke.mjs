// Drives the review UI in headless Debian chromium (never a downloaded browser).
// usage: node review-smoke.mjs <baseUrl> <screenshotDir>   → prints one JSON line with what it saw.
import { launch } from './launch.mjs';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const result = {};
try {
  const page = await (await browser.newContext()).newPage();
  const first = await page.goto(`${base}/review`);
  result.anonymousStatus = first.status();

  await page.goto(`${base}/review/dev-login?role=coordinator`);
  result.devBanner = await page.locator('.dev').innerText();
  await page.selectOption('select[name=model]', 'OVB');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  result.listUrl = page.url();
  result.rows = await page.locator('#signals tbody tr').count();
  await page.screenshot({ path: `${shots}/review-list.png`, fullPage: true });

  await Promise.all([page.waitForNavigation(), page.locator('#signals tbody tr a').first().click()]);
  result.explanation = await page.locator('#explanation').innerText();
  result.lineageRows = await page.locator('#lineage tr').count() - 1;
  result.historyRows = await page.locator('#history tr').count() - 1;
  await page.screenshot({ path: `${shots}/review-detail.png`, fullPage: true });
  const detailUrl = page.url();

  await page.fill('#reveal-form input[name=reason]', 'Voorbereiding integraal overleg, zaak 2026-17');
  await Promise.all([page.waitForNavigation(), page.click('#reveal-form button[type=submit]')]);
  result.revealedAddress = await page.locator('#address').innerText();
  result.residents = await page.locator('#residents tr').count() - 1;
  await page.screenshot({ path: `${shots}/review-reveal.png`, fullPage: true });

  await page.goto(detailUrl);
  // Phase 1 as the protocol describes it: the first weighing against the checklist, weighing 2A/2B, then the decision.
  result.blockedBefore = await page.locator('#route-blocked').count();
  await page.locator('#weighing1-form input[name=indicator]').first().check();
  await Promise.all([page.waitForNavigation(), page.click('#weighing1-form button[type=submit]')]);
  result.weighing1 = await page.locator('#weighing1-done').innerText();
  await Promise.all([page.waitForNavigation(), page.click('#weighing2-form button[type=submit]')]);
  result.weighing2 = await page.locator('#weighing2-done').innerText();
  result.blockedAfter = await page.locator('#route-blocked').count();
  await page.fill('#decision-form input[name=reason]', 'Past in casus woonfraude, registreren in fase 1');
  await Promise.all([page.waitForNavigation(), page.click('#decision-form button[value=register]')]);
  result.statusAfterDecision = await page.locator('#status').innerText();
  result.historyAfterDecision = await page.locator('#history').innerText();
  await page.screenshot({ path: `${shots}/review-registered.png`, fullPage: true });

  const reviewer = await (await browser.newContext()).newPage();
  await reviewer.goto(`${base}/review/dev-login?role=dpia-reviewer`);
  const denied = await reviewer.goto(`${base}/review`);
  result.reviewerStatus = denied.status();
  result.reviewerText = await reviewer.locator('h1').innerText();
  await reviewer.goto(`${base}/review/runs`);
  await Promise.all([reviewer.waitForNavigation(), reviewer.locator('#runs a').first().click()]);
  result.runModels = await reviewer.locator('#models tr').count() - 1;
  await reviewer.screenshot({ path: `${shots}/reviewer-run.png`, fullPage: true });
  await reviewer.goto(`${base}/review/models`);
  result.modelCards = await reviewer.locator('.box h2').count();
  await reviewer.screenshot({ path: `${shots}/reviewer-models.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
