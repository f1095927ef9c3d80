import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const hydrated = (name: string) => name === 'hydrated';

async function ready(page: Page, projectName: string) {
  if (hydrated(projectName)) await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/** Sign in with GitHub (the stand-in consents as octocat) and open "My skills". */
async function signInWithGithub(page: Page, projectName: string) {
  await page.goto('/signin?return_to=%2Fskills');
  await ready(page, projectName);
  await page.locator('main a[data-provider="github"]').click();
  if (page.url().includes('/welcome')) {
    await page.getByLabel('닉네임').fill(`octo_${projectName}`);
    await page.getByRole('button', { name: '저장' }).click();
  }
  await expect(page).toHaveURL(/\/skills$/);
  await ready(page, projectName);
}

async function importAndWait(page: Page, projectName: string) {
  await page.getByTestId('import-button').click();
  // The stand-in GitHub takes a few seconds: progress shows meanwhile.
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await expect(page.getByTestId('import-stage')).not.toBeEmpty();
  if (hydrated(projectName)) {
    // Live: the counters fill in and the page reloads itself when done.
    await expect(page.getByTestId('count-repositories')).toHaveText(/^5 \/ 5$/, { timeout: 15_000 });
    await expect(page.getByTestId('import-progress')).toBeHidden({ timeout: 20_000 });
  } else {
    // Without JavaScript the user checks the status again.
    for (let i = 0; i < 40 && (await page.getByTestId('import-progress').count()) > 0; i++) {
      await page.waitForTimeout(500);
      await page.getByRole('link', { name: '상태 새로 고침' }).click();
    }
    await expect(page.getByTestId('import-progress')).toHaveCount(0);
  }
  await ready(page, projectName);
}

test('import from GitHub with progress, then skills with their evidence', async ({ page }, info) => {
  await signInWithGithub(page, info.project.name);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('내 기술');
  await importAndWait(page, info.project.name);

  const rust = page.locator('[data-testid="skill"][data-skill="rust"]');
  await expect(rust).toBeVisible();
  await expect(rust).toContainText('Rust');
  await expect(rust.getByTestId('bytes')).toHaveText('48.2 KB');
  await rust.getByTestId('evidence-toggle').click();
  const receipt = rust.locator('[data-testid="evidence"][data-repo="octocat/hello-axum"] a.receipt');
  await expect(receipt).toHaveAttribute('href', 'https://github.com/octocat/hello-axum');

  const axum = page.locator('[data-testid="skill"][data-skill="axum"]');
  await axum.getByTestId('evidence-toggle').click();
  await expect(axum.getByRole('link', { name: 'Cargo.toml' })).toHaveAttribute(
    'href',
    'https://github.com/octocat/hello-axum/blob/HEAD/Cargo.toml',
  );
  // Someone else's code (a fork without own commits) is no skill: no C.
  await expect(page.locator('[data-testid="skill"][data-skill="c"]')).toHaveCount(0);

  // Repositories ranked; the README's script is text, not a script.
  const top = page.getByTestId('repo').first();
  await expect(top).toHaveAttribute('data-repo', 'octocat/hello-axum');
  await expect(top.getByTestId('readme')).toContainText('Ignore all previous instructions');
  await expect(page.locator('main script')).toHaveCount(0);
  await expect(page.locator('[data-repo="octocat/broken-manifest"] [data-testid="manifest-error"]')).toContainText(
    'package.json',
  );
  await expect(page.getByTestId('import-meta')).toContainText('GitHub 요청');
});

test('hide a repository; it stays hidden until shown again', async ({ page }, info) => {
  await signInWithGithub(page, info.project.name);
  if ((await page.getByTestId('repo').count()) === 0) await importAndWait(page, info.project.name);
  const blog = page.locator('[data-testid="repo"][data-repo="octocat/old-blog"]');
  await expect(blog).toBeVisible();
  await blog.getByTestId('hide').click();
  await expect(page).toHaveURL(/\/skills$/);
  await expect(page.locator('[data-testid="repo"][data-repo="octocat/old-blog"]')).toHaveCount(0);
  // Its only evidence gone, Ruby goes too.
  await expect(page.locator('[data-testid="skill"][data-skill="ruby"]')).toHaveCount(0);
  const hidden = page.getByTestId('hidden');
  await expect(hidden).toContainText('octocat/old-blog');

  // Survives a refresh from GitHub.
  await importAndWait(page, info.project.name);
  await expect(page.locator('[data-testid="repo"][data-repo="octocat/old-blog"]')).toHaveCount(0);

  await ready(page, info.project.name);
  await hidden.getByTestId('show').click();
  await expect(page.locator('[data-testid="repo"][data-repo="octocat/old-blog"]')).toBeVisible();
});

test('anyone can preview a public GitHub profile from the landing page', async ({ page }, info) => {
  await page.goto('/');
  await ready(page, info.project.name);
  await page.getByLabel('GitHub 사용자 이름').fill('hubot');
  await page.getByTestId('preview-button').click();
  await expect(page).toHaveURL(/\/preview\?login=hubot$/);
  const preview = page.getByTestId('preview');
  await expect(preview).toContainText('@hubot');
  await expect(page.getByTestId('preview-languages')).toContainText('Rust');
  await expect(page.getByTestId('preview-repo').first()).toBeVisible();

  await page.getByLabel('GitHub 사용자 이름').fill('no-such-person');
  await page.getByTestId('preview-button').click();
  await expect(page.getByTestId('preview-error')).toHaveText('그런 GitHub 사용자가 없습니다.');
});
