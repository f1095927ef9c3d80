import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { hydrated, plain, ready, writtenResume } from './demo';

/** Elements reaching past the right edge of the viewport (none on a phone). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > w + 1 && e.getBoundingClientRect().width > 0)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}#${e.id} → ${Math.round(e.getBoundingClientRect().right)}px`);
  });
}

const saved = (page: Page) => expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });

test('edit a bullet, it saves itself and survives a reload; reorder by keyboard; a line by hand has no receipt until one is attached', async ({ page }, info) => {
  const url = await writtenResume(page, info.project.name, `ed_${info.project.name}`);
  await ready(page, info.project.name);
  await page.getByTestId('edit').click();
  await expect(page).toHaveURL(/\/edit$/);
  if (!hydrated(info.project.name)) {
    // Without JavaScript each section is a plain form with its own save button.
    await expect(page.getByTestId('needs-js')).toContainText('이 섹션 저장');
    await expect(page.getByTestId('bullet-projects-0-0')).not.toHaveValue('');
    const projects = page.getByTestId('edit-projects');
    const second = await page.getByTestId('bullet-projects-0-1').inputValue();
    await page.getByTestId('bullet-projects-0-0').fill('손으로 고친 첫 줄 <b>굵게</b>');
    // The blank line at the end of the first project adds a line; a box removes the second.
    await projects.getByTestId('edit-item').first().locator('.editor-bullet.nojs-only textarea').fill('A line added without JavaScript');
    await projects.locator('input[name="remove"][value="projects.0.highlights.1"]').check();
    await page.getByTestId('save-projects').click();
    await expect(page).toHaveURL(/\/edit#edit-projects$/);
    await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue('손으로 고친 첫 줄 <b>굵게</b>');
    await expect(page.locator('textarea[name="projects.0.highlights.1"]')).not.toHaveValue(second);
    await expect(projects.locator('textarea').filter({ hasText: 'A line added without JavaScript' })).toHaveCount(1);
    // The edited line kept its receipt; the added one has none.
    await expect(page.getByTestId('edit-bullet').first().getByTestId('bullet-receipt')).not.toHaveCount(0);
    // Hide the skills section without JavaScript.
    await page.getByTestId('hide-skills').check();
    await page.getByTestId('save-skills').click();
    await page.goto(url);
    await expect(page.getByTestId('section-skills')).toHaveCount(0);
    await expect(page.getByTestId('section-projects')).toContainText('손으로 고친 첫 줄 <b>굵게</b>');
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

  // With a mouse: drag the second line onto the first.
  const firstProject = page.getByTestId('edit-projects').getByTestId('edit-item').first();
  const [line0, line1] = [await page.getByTestId('bullet-projects-0-0').inputValue(), await page.getByTestId('bullet-projects-0-1').inputValue()];
  await firstProject.getByTestId('drag-bullet').nth(1).dragTo(firstProject.getByTestId('drag-bullet').nth(0));
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue(line1);
  await expect(page.getByTestId('bullet-projects-0-1')).toHaveValue(line0);
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

test('two tabs: merge by section keeps my projects and their summary', async ({ page, context }, info) => {
  test.skip(!hydrated(info.project.name), 'the editor saves with JavaScript');
  await writtenResume(page, info.project.name, `merge_${info.project.name}`);
  await page.getByTestId('edit').click();
  await ready(page, info.project.name);
  const other = await context.newPage();
  await other.goto(page.url());
  await ready(other, info.project.name);

  await page.locator('#f-basics-summary').fill('요약은 첫 번째 탭에서 고쳤습니다');
  await saved(page);
  await other.getByTestId('bullet-projects-0-0').fill('A bullet from tab two');
  await expect(other.getByTestId('conflict')).toBeVisible({ timeout: 15_000 });
  await other.getByTestId('merge').click();
  const panel = other.getByTestId('merge-panel');
  await expect(panel.locator('[data-part="projects"]')).toBeVisible();
  await expect(panel.locator('[data-part="basics"]')).toBeVisible();
  await panel.getByTestId('theirs-basics').check();
  await panel.getByTestId('apply-merge').click();
  await saved(other);
  await expect(other.locator('#f-basics-summary')).toHaveValue('요약은 첫 번째 탭에서 고쳤습니다');
  await page.reload();
  await ready(page, info.project.name);
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue('A bullet from tab two');
  await expect(page.locator('#f-basics-summary')).toHaveValue('요약은 첫 번째 탭에서 고쳤습니다');
  await other.close();
});

test('rewrite a bullet by rules: a diff to accept, a version of its own; what needs a model says so', async ({ page }, info) => {
  test.skip(!hydrated(info.project.name), 'rewriting in the editor needs JavaScript');
  const url = await writtenResume(page, info.project.name, `rw_${info.project.name}`);
  await page.getByTestId('edit').click();
  await ready(page, info.project.name);
  const bullet = page.getByTestId('edit-projects').getByTestId('edit-bullet').first();
  await page.getByTestId('bullet-projects-0-0').fill('Successfully worked on the arrivals API in order to help riders');
  await saved(page);

  await bullet.getByTestId('rewrite-mode').selectOption('shorter');
  await bullet.getByTestId('rewrite').click();
  const proposal = bullet.getByTestId('proposal');
  await expect(proposal).toHaveAttribute('data-writer', 'rules');
  await expect(proposal.locator('del')).toContainText(['Successfully']);
  await expect(proposal.locator('ins').first()).toContainText('Worked');
  await bullet.getByTestId('reject-rewrite').click();
  await expect(proposal).toHaveCount(0);
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue('Successfully worked on the arrivals API in order to help riders');

  await bullet.getByTestId('rewrite-mode').selectOption('translate');
  await bullet.getByTestId('rewrite').click();
  await expect(bullet.getByTestId('rewrite-error')).toHaveAttribute('data-code', 'needs_llm');
  await expect(bullet.getByTestId('rewrite-error')).toContainText('언어 모델');

  await bullet.getByTestId('rewrite-mode').selectOption('stronger');
  await bullet.getByTestId('rewrite').click();
  await page.getByTestId('edit-projects').getByTestId('edit-bullet').first().getByTestId('accept-rewrite').click();
  await expect(page.getByTestId('bullet-projects-0-0')).toHaveValue('Developed the arrivals API in order to help riders');
  await saved(page);
  await page.goto(url);
  await expect(page.getByTestId('section-projects')).toContainText('Developed the arrivals API in order to help riders');
  await expect(page.getByTestId('version').first()).toContainText('다시 씀');
  // The receipt stayed with the rewritten line.
  await expect(page.getByTestId('section-projects').getByTestId('highlight').first().getByTestId('receipt')).not.toHaveCount(0);

  // Compare the generated version with the current one.
  await page.getByTestId('version').last().getByTestId('compare').click();
  await expect(page.getByTestId('version-diff').getByTestId('diff-add').first()).toContainText('Developed the arrivals API');
});

test('hide a section and pick a theme: the preview, the page and print follow; on a phone the editor has tabs', async ({ page }, info) => {
  test.skip(!hydrated(info.project.name), 'the editor saves with JavaScript');
  const url = await writtenResume(page, info.project.name, `look_${info.project.name}`);
  await page.getByTestId('edit').click();
  await ready(page, info.project.name);
  const preview = page.locator('.editor-preview');
  await expect(preview.getByTestId('section-skills')).toBeVisible();
  await page.getByTestId('hide-skills').check();
  await expect(preview.getByTestId('section-skills')).toHaveCount(0);
  await page.getByTestId('theme').selectOption('modern');
  await expect(preview.locator('.resume')).toHaveClass(/theme-modern/);
  await saved(page);

  await page.goto(url);
  await expect(page.getByTestId('section-skills')).toHaveCount(0);
  await expect(page.getByTestId('resume-document')).toHaveClass(/theme-modern/);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('resume-document').locator('h1')).toHaveCSS('color', 'rgb(31, 79, 191)');
  await expect(page.getByTestId('manage')).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // A phone: edit and preview are tabs; nothing overflows sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${url}/edit`);
  await ready(page, info.project.name);
  await expect(page.locator('.editor-form')).toBeVisible();
  await expect(preview).toBeHidden();
  await page.getByTestId('tab-preview').click();
  await expect(preview).toBeVisible();
  await expect(page.locator('.editor-form')).toBeHidden();
  expect(await overflowing(page)).toEqual([]);
  await page.getByTestId('tab-edit').click();
  await expect(page.locator('.editor-form')).toBeVisible();
  expect(await overflowing(page)).toEqual([]);
  await page.goto(url);
  expect(await overflowing(page)).toEqual([]);
});
