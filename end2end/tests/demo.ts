import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** The embedded-default server (no LLM, no providers; the demo sign-in). */
export const plain = `http://127.0.0.1:${process.env.E2E_PLAIN_PORT ?? 3101}`;
export const hydrated = (name: string) => name === 'hydrated';

export async function ready(page: Page, projectName: string) {
  if (hydrated(projectName)) await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/** Demo sign-in, the sample profile, a deterministic English résumé; its URL. */
export async function writtenResume(page: Page, projectName: string, nick: string): Promise<string> {
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
    // The page reloads itself when the résumé is written; a reload racing it is aborted, harmlessly.
    await page.reload().catch(() => {});
  }
  await expect(page.getByTestId('resume')).toHaveAttribute('data-status', 'ready');
  return page.url();
}
