// The coordinator's pages on a phone (390 px wide) in headless Debian chromium: no horizontal overflow, Dutch
// evidence without stored keys, Dutch dates, explanations that do not contradict themselves, no console messages.
// usage: node review-mobile.mjs <baseUrl> <screenshotDir>  → prints one JSON line with what it saw.
import { launch } from './launch.mjs';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const result = { consoleMessages: [], overflow: {}, rawKeys: [], isoDates: [] };
const rawKeys = ['m2_per_resident', 'matched_enforcement', 'permit_zaaktype', 'postal_registrations', 'cases_in_window', 'norm_m2_per_resident', 'pand_status', 'most_recent'];
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', m => result.consoleMessages.push(`${m.type()}: ${m.text()}`));
  await page.goto(`${base}/review/dev-login?role=coordinator`);
  const check = async (name) => {
    result.overflow[name] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const text = await page.locator('main').innerText();
    for (const k of rawKeys) if (text.includes(k)) result.rawKeys.push(`${name}: ${k}`);
    // A date in a file's name (brp-2026-11-09.csv) is the name; any other ISO date is one a reader should not see.
    for (const m of text.match(/(?<![\w-])20\d\d-\d\d-\d\d(?![\w.])/g) ?? []) result.isoDates.push(`${name}: ${m}`);
    return text;
  };
  await page.goto(`${base}/review`);
  await check('list');
  await page.screenshot({ path: `${shots}/mobile-list.png`, fullPage: true });
  for (const model of ['OVB', 'HHC', 'BIB', 'ONG']) {
    await page.goto(`${base}/review?model=${model}`);
    await Promise.all([page.waitForNavigation(), page.locator('#signals tbody tr a').first().click()]);
    const text = await check(`signal-${model}`);
    result[`explanation${model}`] = await page.locator('#explanation').innerText();
    if (model === 'HHC') await page.screenshot({ path: `${shots}/mobile-signal.png`, fullPage: true });
  }
  result.dateShown = await page.locator('main').innerText().then(t => (t.match(/\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}/) ?? [''])[0]);
  await page.goto(`${base}/review/betrokkene`);
  await check('subject');
  result.dateFieldPlaceholder = await page.locator('input[name=received]').getAttribute('placeholder');
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
