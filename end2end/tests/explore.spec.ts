import { test, expect } from './fixtures';
import { hydrated, ready, writtenResume } from './demo';

test('the gallery finds a public résumé by one of its skills, with the filter form and a skill link', async ({ page, browser }, info) => {
  test.setTimeout(60_000);
  const slug = `gallery-cv-${info.project.name}`;
  const resumeUrl = await writtenResume(page, info.project.name, `gx_${info.project.name}`);
  await ready(page, info.project.name);
  const card = page.getByTestId('share-card');
  await card.getByTestId('visibility-public').check();
  await card.getByTestId('slug').fill(slug);
  await card.getByTestId('share-save').click();
  await expect(page.getByTestId('share-card')).toHaveAttribute('data-visibility', 'public');

  // The header leads to the gallery; the newest first has it.
  await page.getByTestId('nav-explore').click();
  await expect(page).toHaveURL(/\/explore/);
  await ready(page, info.project.name);
  await page.getByTestId('sort-newest').click();
  await expect(page).toHaveURL(/sort=newest/);
  await expect(page.getByTestId('sort-newest')).toHaveAttribute('aria-current', 'page');
  const mine = page.locator(`[data-testid="gallery-card"][data-slug="${slug}"]`);
  await expect(mine).toBeVisible();
  const skill = ((await mine.getByTestId('gallery-skill').first().textContent()) ?? '').trim();
  expect(skill).not.toBe('');

  // Filter by it with the form, typed in lower case: the server knows the name.
  await page.getByTestId('skill-input').fill(skill.toLowerCase());
  await page.getByTestId('explore-show').click();
  await expect(page).toHaveURL(/[?&]skill=/);
  await expect(page).toHaveURL(/sort=newest/);
  expect((await page.getByTestId('skill-input').inputValue()).toLowerCase()).toBe(skill.toLowerCase());
  await expect(mine).toBeVisible();
  await expect(mine.getByTestId('gallery-link')).toHaveAttribute('href', `/r/${slug}`);
  const filtered = page.url();

  // A skill that nobody has finds nothing, and says so.
  await page.getByTestId('skill-input').fill('cobol-on-cogs');
  await page.getByTestId('explore-show').click();
  await expect(page.getByTestId('explore-empty')).toBeVisible();
  await expect(mine).toHaveCount(0);

  // The filtered address is shareable: a signed-out reader opens it and
  // follows the card's skill link and then the card to the résumé.
  const reader = await browser.newContext({ javaScriptEnabled: hydrated(info.project.name) });
  const rp = await reader.newPage();
  await rp.goto(filtered);
  const theirs = rp.locator(`[data-testid="gallery-card"][data-slug="${slug}"]`);
  await expect(theirs).toBeVisible();
  await theirs.getByTestId('gallery-skill').first().click();
  await expect(rp).toHaveURL(/[?&]skill=/);
  await expect(theirs).toBeVisible();
  await theirs.getByTestId('gallery-link').click();
  await expect(rp).toHaveURL(new RegExp(`/r/${slug}$`));
  await expect(rp.getByTestId('shared')).toBeVisible();

  // Private again: gone from the gallery at once.
  await page.goto(resumeUrl);
  await ready(page, info.project.name);
  await page.getByTestId('visibility-private').check();
  await page.getByTestId('share-save').click();
  await expect(page.getByTestId('share-card')).toHaveAttribute('data-visibility', 'private');
  await rp.goto(filtered);
  await expect(theirs).toHaveCount(0);
  await reader.close();
});
