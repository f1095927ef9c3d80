import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const plain = `http://127.0.0.1:${process.env.E2E_PLAIN_PORT ?? 3101}`;
const hydrated = (name: string) => name === 'hydrated';

async function ready(page: Page, projectName: string) {
  if (hydrated(projectName)) await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/** Demo sign-in, the sample profile, a deterministic English résumé; its URL. */
async function writtenResume(page: Page, projectName: string, nick: string): Promise<string> {
  await page.goto(`${plain}/signin?return_to=%2Fskills`);
  await ready(page, projectName);
  await page.getByRole('button', { name: '데모 계정으로 계속' }).click();
  if (page.url().includes('/welcome')) {
    await page.getByLabel('닉네임').fill(nick);
    await page.getByRole('button', { name: '저장' }).click();
  }
  await page.goto(`${plain}/skills`);
  await ready(page, projectName);
  if ((await page.getByTestId('skill').count()) === 0) {
    await page.getByTestId('import-button').click();
    for (let i = 0; i < 60 && (await page.getByTestId('skill').count()) === 0; i++) {
      await page.waitForTimeout(500);
      if ((await page.getByTestId('import-progress').count()) > 0) await page.goto(`${plain}/skills`);
    }
  }
  await page.getByLabel('이력서 언어').selectOption('en');
  await page.getByTestId('generate-button').click();
  await expect(page).toHaveURL(/\/resumes\/[0-9a-f-]+$/);
  for (let i = 0; i < 60 && (await page.getByTestId('writing').count()) > 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await expect(page.getByTestId('resume')).toHaveAttribute('data-status', 'ready');
  return page.url();
}

const saved = (page: Page) => expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });

test('edit a bullet, it saves itself and survives a reload; reorder by keyboard; a line by hand has no receipt until one is attached', async ({ page }, info) => {
  const url = await writtenResume(page, info.project.name, `ed_${info.project.name}`);
  await ready(page, info.project.name);
  await page.getByTestId('edit').click();
  await expect(page).toHaveURL(/\/edit$/);
  if (!hydrated(info.project.name)) {
    // Without JavaScript the page says what to do instead.
    await expect(page.getByTestId('needs-js')).toContainText('편집기는 JavaScript가 필요합니다');
    // and the document is there to read, field by field.
    await expect(page.getByTestId('bullet-projects-0-0')).not.toHaveValue('');
    return;
  }
  await ready(page, info.project.name);
  await expect(page.getByTestId('needs-js')).toHaveCount(0);
  const first = page.getByTestId('bullet-projects-0-0');
  const second = page.getByTestId('bullet-projects-0-1');
  const secondText = await second.inputValue();
  await first.fill('Designed the realtime arrivals API 가용성 99.9%');
  await expect(page.getByTestId('save-state')).not.toHaveAttribute('data-state', 'saved');
  await saved(page);
  await expect(page.locator('.editor-preview')).toContainText('Designed the realtime arrivals API 가용성 99.9%');
  await page.reload();
  await ready(page, info.project.name);
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue('Designed the realtime arrivals API 가용성 99.9%');

  // Keyboard only: focus "move down" on the first line and press Enter; focus follows the line.
  await page.locator('#down-projects-0-0').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue(secondText);
  await expect(page.getByTestId('bullet-projects-0-1')).toHaveValue('Designed the realtime arrivals API 가용성 99.9%');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('down-projects-0-1');
  await saved(page);

  // A line written by hand: no receipt, counted; attaching one fixes both.
  const share = await page.getByTestId('receipt-share').innerText();
  await page.getByTestId('edit-projects').getByTestId('add-bullet').first().click();
  const added = page.getByTestId('edit-projects').getByTestId('edit-item').first().getByTestId('edit-bullet').last();
  await added.locator('textarea').fill('Mentored two new engineers');
  await expect(added.getByTestId('no-receipt')).toBeVisible();
  await expect(page.getByTestId('receipt-share')).not.toHaveText(share);
  await added.getByTestId('attach').selectOption({ index: 1 });
  await expect(added.getByTestId('no-receipt')).toHaveCount(0);
  await expect(added.getByTestId('bullet-receipt')).toHaveCount(1);
  await saved(page);

  // The plain sections: add an education entry; the preview and the page show it.
  await page.getByTestId('add-education').click();
  await page.locator('#f-education-0-institution').fill('한빛대학교');
  await page.locator('#f-education-0-area').fill('컴퓨터공학');
  await saved(page);
  await expect(page.locator('.editor-preview').getByTestId('section-education')).toContainText('한빛대학교');
  await page.goto(url);
  await expect(page.getByTestId('section-projects')).toContainText('Mentored two new engineers');
  await expect(page.getByTestId('section-education')).toContainText('컴퓨터공학');
});

test('two tabs: the second save gets the conflict, keeps its text, and can keep it', async ({ page, context }, info) => {
  test.skip(!hydrated(info.project.name), 'the editor saves with JavaScript');
  await writtenResume(page, info.project.name, `tabs_${info.project.name}`);
  await page.getByTestId('edit').click();
  await ready(page, info.project.name);
  const other = await context.newPage();
  await other.goto(page.url());
  await ready(other, info.project.name);

  await page.getByTestId('bullet-projects-0-0').fill('Saved first, in tab one');
  await saved(page);
  await other.getByTestId('bullet-projects-0-0').fill('Typed in tab two');
  await expect(other.getByTestId('conflict')).toBeVisible({ timeout: 15_000 });
  await expect(other.getByTestId('bullet-projects-0-0')).toHaveValue('Typed in tab two');
  await other.getByTestId('keep-mine').click();
  await saved(other);
  await page.reload();
  await ready(page, info.project.name);
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue('Typed in tab two');
  await other.close();
});
