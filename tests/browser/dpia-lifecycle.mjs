// The DPIA register's lifecycle in the reviewer UI, in headless Debian chromium: reviewer anna proposes a new version,
// is refused when she approves her own proposal (four eyes), reviewer bram approves it.
// usage: node dpia-lifecycle.mjs <baseUrl> <screenshotDir> <registerJsonFile>  → prints one JSON line with what it saw.
import { launch } from './launch.mjs';
import { mkdirSync, readFileSync } from 'node:fs';

const [base, shots, registerFile] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await launch();
const result = { consoleMessages: [] };
try {
  const anna = await (await browser.newContext()).newPage();
  anna.on('console', m => result.consoleMessages.push(m.text()));
  await anna.goto(`${base}/review/dev-login?role=dpia-reviewer&name=anna`);
  await anna.goto(`${base}/review/dpia`);
  result.inForceBefore = await anna.locator('#in-force').innerText();
  await anna.fill('#propose-form textarea[name=document]', readFileSync(registerFile, 'utf8'));
  await anna.fill('#propose-form input[name=note]', 'Controlesteekproef goedkeuren');
  await Promise.all([anna.waitForNavigation(), anna.click('#propose-form button[type=submit]')]);
  const proposed = anna.locator('#versions tr[data-status=proposed]');
  result.proposedRows = await proposed.count();
  result.proposedBy = await proposed.first().locator('td').nth(2).innerText();
  // Four eyes: the proposer cannot approve.
  const own = await Promise.all([anna.waitForNavigation(), proposed.first().locator('button[value=approve]').click()]);
  result.ownApprovalStatus = own[0].status();
  result.ownApprovalText = await anna.locator('#refused').innerText();
  // The browser reports the designed 403 of that refusal as a failed resource; anything else it reports counts.
  result.refusalConsole = result.consoleMessages.splice(0).filter(m => m.includes('403')).length;
  await anna.screenshot({ path: `${shots}/dpia-four-eyes.png`, fullPage: true });

  const bram = await (await browser.newContext()).newPage();
  bram.on('console', m => result.consoleMessages.push(m.text()));
  await bram.goto(`${base}/review/dev-login?role=dpia-reviewer&name=bram`);
  await bram.goto(`${base}/review/dpia`);
  const row = bram.locator('#versions tr[data-status=proposed]').first();
  await row.locator('input[name=note]').fill('Gezien, akkoord');
  await Promise.all([bram.waitForNavigation(), row.locator('button[value=approve]').click()]);
  const approved = bram.locator('#versions tr').nth(1);
  result.newestStatus = await approved.getAttribute('data-status');
  result.newestDecidedBy = await approved.locator('td').nth(4).innerText();
  result.inForceAfter = await bram.locator('#in-force').innerText();
  await bram.screenshot({ path: `${shots}/dpia-versions.png`, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
