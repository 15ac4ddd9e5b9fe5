/**
 * Reading the pull requests behind fork runs, cached per repository and invocation: several
 * workflows of one pull request produce several runs waiting for approval, and they cost one
 * lookup and one file listing, not one each. Failed reads are cached too, so every run of that
 * pull request is refused for the same reason.
 */
import type { Octokit } from './client.js'
import type { ChangedFile, OpenPullRequest } from './rules/fork-approval.js'
import type { RepositoryRef } from './settings.js'

const PER_PAGE = 100

/** The changed files of a pull request, and the pull request as it was right after listing them. */
export interface ChangedFilesRead {
  files: ChangedFile[]
  /**
   * The pull request re-read after the listing; undefined when it is no longer open. Its `headSha`
   * says which commit the files describe: the listing always describes the current head.
   */
  after: OpenPullRequest | undefined
}

type PullRequestData = Awaited<ReturnType<Octokit['rest']['pulls']['get']>>['data']
type PullRequestListItem = Awaited<ReturnType<Octokit['rest']['pulls']['list']>>['data'][number]

function toOpenPullRequest(pull: PullRequestData | PullRequestListItem): OpenPullRequest {
  const headRepository = pull.head.repo?.full_name
  return {
    number: pull.number,
    headSha: pull.head.sha,
    ...(headRepository !== undefined && { headRepository })
  }
}

/** Pull-request reads for one repository, each made at most once per invocation. */
export class PullRequestReader {
  private readonly openByHead = new Map<string, Promise<OpenPullRequest[]>>()
  private readonly filesByNumber = new Map<number, Promise<ChangedFilesRead>>()

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
    const key = head.toLowerCase()
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
   * files' `previous_filename`; then the pull request once more, so the caller can confirm the
   * files describe the commit it expects (a push between the lookup and the listing changes them).
   *
   * Calls `GET /repos/{owner}/{repo}/pulls/{pull_number}/files` (every page, 100 per page), then
   * `GET /repos/{owner}/{repo}/pulls/{pull_number}`.
   * @throws the API error of any request.
   */
  async changedFiles(pullNumber: number): Promise<ChangedFilesRead> {
    let read = this.filesByNumber.get(pullNumber)
    if (!read) {
      read = this.listFiles(pullNumber)
      this.filesByNumber.set(pullNumber, read)
    }
    return await read
  }

  private async listFiles(pullNumber: number): Promise<ChangedFilesRead> {
    const listed = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      ...this.repository,
      pull_number: pullNumber,
      per_page: PER_PAGE
    })
    const files = listed.map(file => ({
      filename: file.filename,
      status: file.status,
      ...(file.previous_filename !== undefined && { previous_filename: file.previous_filename })
    }))
    const { data } = await this.octokit.rest.pulls.get({
      ...this.repository,
      pull_number: pullNumber
    })
    return { files, after: data.state === 'open' ? toOpenPullRequest(data) : undefined }
  }
}
