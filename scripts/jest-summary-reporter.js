/** Ends a jest run with one plain line, `tests: N passed, N failed`, for logs that only keep the tail. */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    console.log(
      `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`
    )
  }
}
