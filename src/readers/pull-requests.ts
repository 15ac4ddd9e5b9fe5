/**
 * Reading pull requests. For the runs waiting for approval (`PullRequestReader`), cached per
 * repository and invocation: several workflows of one pull request produce several runs waiting
 * for approval, and they cost one lookup and one file listing, not one each. Failed reads are
 * cached too, so every run of that pull request is refused for the same reason. For the runs
 * whose checks an open pull request shows (`listOpenPullRequests`): every open one, once.
 */
import type { Octokit } from '../boundary/client.js'
import { PER_PAGE } from '../github-limits.js'
import type { ChangedFile, OpenPullRequest } from '../operations/approve-fork-runs/rules.js'
import type { RepositoryRef } from '../settings.js'

type PullRequestData = Awaited<ReturnType<Octokit['rest']['pulls']['get']>>['data']
type PullRequestListItem = Awaited<ReturnType<Octokit['rest']['pulls']['list']>>['data'][number]

function toOpenPullRequest(pull: PullRequestData | PullRequestListItem): OpenPullRequest {
  const headRepository = pull.head.repo?.full_name
  const changedFiles = 'changed_files' in pull ? pull.changed_files : undefined
  return {
    number: pull.number,
    headSha: pull.head.sha,
    ...(headRepository !== undefined && { headRepository }),
    ...(typeof changedFiles === 'number' && { changedFiles })
  }
}

/**
 * Every open pull request into `repository`, with the commit its head points at now.
 *
 * Calls `GET /repos/{owner}/{repo}/pulls?state=open`, every page, 100 per page.
 * @returns the open pull requests, in GitHub's order (newest first).
 * @throws the API error of any page.
 */
export async function listOpenPullRequests(
  octokit: Octokit,
  repository: RepositoryRef
): Promise<OpenPullRequest[]> {
  const pulls = await octokit.paginate(octokit.rest.pulls.list, {
    ...repository,
    state: 'open',
    per_page: PER_PAGE
  })
  return pulls.map(toOpenPullRequest)
}

/** Pull-request reads for one repository, each made at most once per invocation. */
export class PullRequestReader {
  private readonly openByHead = new Map<string, Promise<OpenPullRequest[]>>()
  private readonly filesByNumber = new Map<number, Promise<ChangedFile[]>>()
  private readonly afterByNumber = new Map<number, Promise<OpenPullRequest | undefined>>()

  /**
   * @param octokit the invocation's client.
   * @param repository the base repository the pull requests target.
   */
  constructor(
    private readonly octokit: Octokit,
    private readonly repository: RepositoryRef
  ) {}

  /**
   * The open pull requests whose head is `headOwner:headBranch` (a fork's owner and branch, or
   * this repository's owner for a branch of its own).
   *
   * Calls `GET /repos/{owner}/{repo}/pulls?state=open&head={headOwner}:{headBranch}`, every page.
   * @throws the API error of any page.
   */
  async openPullRequests(headOwner: string, headBranch: string): Promise<OpenPullRequest[]> {
    const head = `${headOwner}:${headBranch}`
    // Logins are case-insensitive, git branch names are not: `Fix` and `fix` are two branches.
    const key = `${headOwner.toLowerCase()}:${headBranch}`
    let read = this.openByHead.get(key)
    if (!read) {
      read = this.octokit
        .paginate(this.octokit.rest.pulls.list, {
          ...this.repository,
          state: 'open',
          head,
          per_page: PER_PAGE
        })
        .then(pulls => pulls.map(toOpenPullRequest))
      this.openByHead.set(key, read)
    }
    return await read
  }

  /**
   * Every changed file of pull request `pullNumber` (GitHub lists at most 3,000), with renamed
   * files' `previous_filename`. The listing describes the pull request's head at the time of the
   * request, which may be newer than the head its lookup returned: see `headAfterFiles`.
   *
   * Calls `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, every page (100 per page).
   * @throws the API error of any page.
   */
  async changedFiles(pullNumber: number): Promise<ChangedFile[]> {
    let read = this.filesByNumber.get(pullNumber)
    if (!read) {
      read = this.listFiles(pullNumber)
      this.filesByNumber.set(pullNumber, read)
    }
    return await read
  }

  /**
   * Pull request `pullNumber` read again once its files have been listed, so the caller can
   * confirm the files describe the commit it expects (a push between the lookup and the listing
   * changes them). Only needed when the files pass: a refusal needs no confirmation.
   *
   * Calls `GET /repos/{owner}/{repo}/pulls/{pull_number}` after the listing has completed.
   * @returns the pull request with its `changedFiles` count, or undefined when it is no longer open.
   * @throws the API error of the listing or of the request.
   */
  async headAfterFiles(pullNumber: number): Promise<OpenPullRequest | undefined> {
    let read = this.afterByNumber.get(pullNumber)
    if (!read) {
      read = this.changedFiles(pullNumber).then(async () => await this.readOpen(pullNumber))
      this.afterByNumber.set(pullNumber, read)
    }
    return await read
  }

  private async listFiles(pullNumber: number): Promise<ChangedFile[]> {
    const listed = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      ...this.repository,
      pull_number: pullNumber,
      per_page: PER_PAGE
    })
    return listed.map(file => ({
      filename: file.filename,
      status: file.status,
      ...(file.previous_filename !== undefined && { previous_filename: file.previous_filename })
    }))
  }

  private async readOpen(pullNumber: number): Promise<OpenPullRequest | undefined> {
    const { data } = await this.octokit.rest.pulls.get({
      ...this.repository,
      pull_number: pullNumber
    })
    return data.state === 'open' ? toOpenPullRequest(data) : undefined
  }
}
