// Walks signals through each phase-1 path as a coordinator would, in headless Debian chromium: weighings, the police
// route with its hand-off document and the recipient's feedback, another department, phase 2 (and its list), stopping,
// and the dossier of an object. Screenshots for docs/coordinator-guide.md.
// usage: node phase1-paths.mjs <baseUrl> <screenshotDir>  → prints one JSON line with what it saw.
import { launch } from './launch.mjs';
import { mkdirSync, readFileSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const result = { consoleMessages: [] };
try {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', m => result.consoleMessages.push(`${m.type()}: ${m.text()}`));
  await page.goto(`${base}/review/dev-login?role=coordinator&name=carla`);
  await page.goto(`${base}/review?model=OVB`);
  const ids = await page.locator('#signals tbody tr a').evaluateAll(as => as.map(a => a.getAttribute('href')));
  result.signals = ids.length;

  const weigh = async (href, shot) => {
    await page.goto(`${base}${href}`);
    await page.locator('#weighing1-form input[name=indicator]').nth(2).check();
    await page.locator('#weighing1-form input[name=category]').nth(9).check();
    await Promise.all([page.waitForNavigation(), page.click('#weighing1-form button[type=submit]')]);
    await Promise.all([page.waitForNavigation(), page.click('#weighing2-form button[type=submit]')]);
    if (shot) await page.screenshot({ path: `${shots}/phase1-weighings.png`, fullPage: true });
  };
  const decide = async (action, reason, extra) => {
    await page.fill('#decision-form input[name=reason]', reason);
    if (extra) await extra();
    await Promise.all([page.waitForNavigation(), page.click(`#decision-form button[value=${action}]`)]);
  };

  // 1. Police: a proces-verbaal by a BOA; the hand-off document; feedback, then the end.
  await weigh(ids[0], true);
  await decide('politie', 'Vermoeden van uitbuiting, BOA maakt proces-verbaal van bevindingen');
  result.policeRoute = await page.locator('#route-taken').innerText();
  await page.fill('#handoff-form input[name=reason]', 'Overdracht aan politie, zaak 2026-31');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#handoff-form button[type=submit]')]);
  const handoff = readFileSync(await download.path(), 'utf8');
  result.handoffName = download.suggestedFilename();
  result.handoffHasAddress = /\d{4}[A-Z]{2} \d+/.test(handoff);
  result.handoffHasRecipient = handoff.includes('politie');
  result.handoffPseudonyms = (handoff.match(/\bV[0-9a-f]{20,}/g) ?? []).length;
  await page.reload();
  result.handoffRecorded = await page.locator('.handoff-done').count();
  await page.check('#feedback-form input[value=voortgezet]');
  await page.fill('#feedback-form input[name=by]', 'politie Oost-Brabant');
  await Promise.all([page.waitForNavigation(), page.click('#feedback-form button[type=submit]')]);
  await page.check('#feedback-form input[value=beeindigd]');
  await page.fill('#feedback-form input[name=text]', 'Geen strafbare feiten vastgesteld');
  await Promise.all([page.waitForNavigation(), page.click('#feedback-form button[type=submit]')]);
  result.feedback = await page.locator('.feedback-done').allInnerTexts();
  result.endResult = await page.locator('#end-result').innerText();
  await page.screenshot({ path: `${shots}/phase1-police-feedback.png`, fullPage: true });

  // 2. Another department's supervisors.
  await weigh(ids[1]);
  await decide('afdeling', 'Toezicht op kamerverhuur is een taak van VTH', () => page.fill('#decision-form input[name=department]', 'Vergunningen, toezicht en handhaving'));
  result.departmentRoute = await page.locator('#route-taken').innerText();
  // The hand-off as a zaak in the department's zaaksysteem (ZGW Zaken API).
  await page.selectOption('#zaak-form select[name=recipient]', 'VTH');
  await page.fill('#zaak-form input[name=reason]', 'Overdracht aan VTH, zaak 2026-32');
  await Promise.all([page.waitForNavigation(), page.click('#zaak-form button[type=submit]')]);
  result.zaakRecorded = await page.locator('.handoff-done').innerText();
  await page.screenshot({ path: `${shots}/phase1-zaak.png`, fullPage: true });

  // 3. Phase 2, and the phase-2 list.
  await weigh(ids[2]);
  await decide('register', 'Zwaarte bepalen in fase 2 met de afdelingen');
  await page.goto(`${base}/review/fase2`);
  result.phase2Rows = await page.locator('#signals tbody tr').count();
  result.phase2Heading = await page.locator('h1').innerText();
  await page.screenshot({ path: `${shots}/phase2-list.png`, fullPage: true });

  // 4. Stop, without weighing: always possible, confirmed, with its outcome.
  await page.goto(`${base}${ids[3]}`);
  await page.selectOption('#decision-form select[name=outcome]', 'geen_prioriteit');
  await decide('dismiss', 'Bekend bij wijkagent, geen prioriteit');
  await Promise.all([page.waitForNavigation(), page.click('#confirm-form button[type=submit]')]);
  result.stopStatus = await page.locator('#status').innerText();

  // 5. The dossier of the first object.
  await page.goto(`${base}${ids[0]}`);
  await Promise.all([page.waitForNavigation(), page.click('#dossier-link')]);
  result.dossierSignals = await page.locator('.dossier-signal').count();
  await page.fill('#note-form input[name=text]', 'Eigenaar verhuurt meer panden in de wijk; navragen bij VTH');
  await Promise.all([page.waitForNavigation(), page.click('#note-form button[type=submit]')]);
  await page.fill('#assign-form input[name=colleague]', 'dirk');
  await Promise.all([page.waitForNavigation(), page.click('#assign-form button[type=submit]')]);
  result.dossierNotes = await page.locator('#notes').innerText();
  result.dossierAssignment = await page.locator('#assignment').innerText();
  result.dossierHeading = await page.locator('h1').innerText();
  await page.screenshot({ path: `${shots}/dossier.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
