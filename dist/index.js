import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 916:
/***/ ((__unused_webpack_module, exports) => {

var __webpack_unused_export__;

__webpack_unused_export__ = true;
__webpack_unused_export__ = exports.kp = void 0;
var peq = new Uint32Array(0x10000);
var myers_32 = function (a, b) {
    var n = a.length;
    var m = b.length;
    var lst = 1 << (n - 1);
    var pv = -1;
    var mv = 0;
    var sc = n;
    var i = n;
    while (i--) {
        peq[a.charCodeAt(i)] |= 1 << i;
    }
    for (i = 0; i < m; i++) {
        var eq = peq[b.charCodeAt(i)];
        var xv = eq | mv;
        eq |= ((eq & pv) + pv) ^ pv;
        mv |= ~(eq | pv);
        pv &= eq;
        if (mv & lst) {
            sc++;
        }
        if (pv & lst) {
            sc--;
        }
        mv = (mv << 1) | 1;
        pv = (pv << 1) | ~(xv | mv);
        mv &= xv;
    }
    i = n;
    while (i--) {
        peq[a.charCodeAt(i)] = 0;
    }
    return sc;
};
var myers_x = function (b, a) {
    var n = a.length;
    var m = b.length;
    var mhc = [];
    var phc = [];
    var hsize = Math.ceil(n / 32);
    var vsize = Math.ceil(m / 32);
    for (var i = 0; i < hsize; i++) {
        phc[i] = -1;
        mhc[i] = 0;
    }
    var j = 0;
    for (; j < vsize - 1; j++) {
        var mv_1 = 0;
        var pv_1 = -1;
        var start_1 = j * 32;
        var vlen_1 = Math.min(32, m) + start_1;
        for (var k = start_1; k < vlen_1; k++) {
            peq[b.charCodeAt(k)] |= 1 << k;
        }
        for (var i = 0; i < n; i++) {
            var eq = peq[a.charCodeAt(i)];
            var pb = (phc[(i / 32) | 0] >>> i) & 1;
            var mb = (mhc[(i / 32) | 0] >>> i) & 1;
            var xv = eq | mv_1;
            var xh = ((((eq | mb) & pv_1) + pv_1) ^ pv_1) | eq | mb;
            var ph = mv_1 | ~(xh | pv_1);
            var mh = pv_1 & xh;
            if ((ph >>> 31) ^ pb) {
                phc[(i / 32) | 0] ^= 1 << i;
            }
            if ((mh >>> 31) ^ mb) {
                mhc[(i / 32) | 0] ^= 1 << i;
            }
            ph = (ph << 1) | pb;
            mh = (mh << 1) | mb;
            pv_1 = mh | ~(xv | ph);
            mv_1 = ph & xv;
        }
        for (var k = start_1; k < vlen_1; k++) {
            peq[b.charCodeAt(k)] = 0;
        }
    }
    var mv = 0;
    var pv = -1;
    var start = j * 32;
    var vlen = Math.min(32, m - start) + start;
    for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] |= 1 << k;
    }
    var score = m;
    for (var i = 0; i < n; i++) {
        var eq = peq[a.charCodeAt(i)];
        var pb = (phc[(i / 32) | 0] >>> i) & 1;
        var mb = (mhc[(i / 32) | 0] >>> i) & 1;
        var xv = eq | mv;
        var xh = ((((eq | mb) & pv) + pv) ^ pv) | eq | mb;
        var ph = mv | ~(xh | pv);
        var mh = pv & xh;
        score += (ph >>> (m - 1)) & 1;
        score -= (mh >>> (m - 1)) & 1;
        if ((ph >>> 31) ^ pb) {
            phc[(i / 32) | 0] ^= 1 << i;
        }
        if ((mh >>> 31) ^ mb) {
            mhc[(i / 32) | 0] ^= 1 << i;
        }
        ph = (ph << 1) | pb;
        mh = (mh << 1) | mb;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] = 0;
    }
    return score;
};
var distance = function (a, b) {
    if (a.length < b.length) {
        var tmp = b;
        b = a;
        a = tmp;
    }
    if (b.length === 0) {
        return a.length;
    }
    if (a.length <= 32) {
        return myers_32(a, b);
    }
    return myers_x(a, b);
};
__webpack_unused_export__ = distance;
var closest = function (str, arr) {
    var min_distance = Infinity;
    var min_index = 0;
    for (var i = 0; i < arr.length; i++) {
        var dist = distance(str, arr[i]);
        if (dist < min_distance) {
            min_distance = dist;
            min_index = i;
        }
    }
    return arr[min_index];
};
exports.kp = closest;


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
// EXTERNAL MODULE: ./node_modules/fastest-levenshtein/mod.js
var mod = __nccwpck_require__(916);
;// CONCATENATED MODULE: ./src/inputs/definition.ts
/**
 * The one definition of the operations, their inputs and their outputs. Everything a user reads
 * about an input comes from here: the top-level `action.yml`, each operation's sub-action
 * (`<operation>/action.yml`), the README's input and output tables, the command line's flags and
 * `--help`, and the defaults the settings readers apply (`StepInputs`). `npm run generate` writes
 * the files; a test fails when one of them drifts from this definition.
 *
 * Pure data: no imports, so the generator, the bundle's entry and the command line can all load
 * it without loading anything else.
 */
/** The operations, in the order the README documents them. */
const OPERATIONS = [
    'rerun-failed',
    'cancel-stale',
    'approve-fork-runs',
    'review-deployments',
    'rotate-secrets',
    'delete-runs',
    'delete-artifacts',
    'delete-caches'
];
/** What an operation does, in one sentence (sub-action descriptions, README, `--help`). */
const OPERATION_SUMMARIES = {
    'rerun-failed': 'Re-run the failed jobs of failed workflow runs, with guards: attempts, the 30-day window, active runs, flaky-only filters.',
    'cancel-stale': 'Cancel active workflow runs superseded by a newer run of their group, or older than stale-after; force-cancel runs that ignore the cancel.',
    'approve-fork-runs': "Approve fork pull-request runs waiting for approval, only when the pull request at the run's commit touches no protected path.",
    'review-deployments': 'Approve or reject pending deployments, and answer custom deployment protection rules.',
    'rotate-secrets': 'Write new secret values, sealed with libsodium, for Actions, Dependabot and Codespaces, to repositories, environments or organizations, keeping organization visibility.',
    'delete-runs': 'Delete completed workflow runs (with their logs and artifacts) older than older-than, keeping the newest of each workflow and branch.',
    'delete-artifacts': 'Delete artifacts older than older-than, keeping the newest of each name and branch, and report the bytes freed.',
    'delete-caches': 'Delete Actions caches by key and ref unused since older-than, or those of closed pull requests, and report the bytes freed.'
};
const RUN_OPERATIONS = [
    'rerun-failed',
    'cancel-stale',
    'approve-fork-runs',
    'review-deployments',
    'delete-runs'
];
const CLEAN_UP_OPERATIONS = [
    'delete-runs',
    'delete-artifacts',
    'delete-caches'
];
/**
 * The operations whose listings a later run repeats, and so may answer from `state-file`: every
 * one but rotate-secrets, whose reads (public keys, the secrets around each write) must be fresh.
 */
const STATE_FILE_OPERATIONS = [
    ...RUN_OPERATIONS,
    'delete-artifacts',
    'delete-caches'
];
/**
 * Every input, in the order of the top-level `action.yml` (common inputs first, then by operation).
 * `operation` is the top-level action's alone: a sub-action is one operation.
 */
const INPUTS = {
    operation: {
        description: 'What to do: rerun-failed, cancel-stale, approve-fork-runs, review-deployments, rotate-secrets, delete-runs, delete-artifacts or delete-caches.',
        required: true,
        type: 'string',
        operations: []
    },
    'github-token': {
        description: 'Token used for every API call. See the README for the permissions each operation needs.',
        default: '${{ github.token }}',
        type: 'string',
        operations: 'all',
        secret: true
    },
    repository: {
        description: "One or more entries, separated by newlines or commas: owner/repo, or a pattern over the repositories the token can access: owner/GLOB (acme/*, acme/web-*; only the name part may be a glob, case-insensitive) or * (every one). Archived repositories a pattern finds are left out. Each repository is processed once; one's failure does not stop the others.",
        default: '${{ github.repository }}',
        type: 'list',
        operations: 'all'
    },
    'exclude-repository': {
        description: 'Globs on owner/repo (acme/legacy-*, */sandbox; case-insensitive) never processed, whether named or matched; list.',
        default: '',
        type: 'list',
        operations: 'all'
    },
    'dry-run': {
        description: 'Find and report every target with outcome `planned`; send no POST, PUT or DELETE.',
        default: 'false',
        type: 'boolean',
        operations: 'all'
    },
    limit: {
        description: 'The most targets to change in one invocation; the rest are reported `skipped` (limit reached). rotate-secrets instead refuses to start when its writes exceed it.',
        default: '100',
        type: 'integer',
        operations: 'all'
    },
    'run-id': {
        description: "Act on this one workflow run only (run operations); `repository` must then name one repository (no pattern). When empty and the event is workflow_run, rerun-failed and review-deployments use github.event.workflow_run.id in the event's repository and scan any other; otherwise they scan.",
        default: '',
        type: 'string',
        operations: [...RUN_OPERATIONS, 'delete-artifacts']
    },
    workflow: {
        description: 'Only runs of these workflows, by file name (ci.yml) or numeric id; list.',
        default: '',
        type: 'list',
        operations: RUN_OPERATIONS
    },
    branch: {
        description: 'Only runs whose head branch matches one of these globs; list.',
        default: '',
        type: 'list',
        operations: [...RUN_OPERATIONS, 'delete-artifacts']
    },
    'exclude-branch': {
        description: 'Never touch runs whose head branch matches one of these globs; list.',
        default: '',
        type: 'list',
        operations: [...RUN_OPERATIONS, 'delete-artifacts']
    },
    event: {
        description: 'Only runs triggered by these events (push, pull_request, schedule, …); list.',
        default: '',
        type: 'list',
        operations: RUN_OPERATIONS
    },
    actor: {
        description: 'Only runs whose triggering actor (else actor) login matches one of these globs; list.',
        default: '',
        type: 'list',
        operations: RUN_OPERATIONS
    },
    'fail-on-error': {
        description: "Fail the step when any target's outcome is `failed` (after every target was processed).",
        default: 'true',
        type: 'boolean',
        operations: 'all'
    },
    'state-file': {
        description: 'Path of a JSON file that keeps, from one run to the next, the validators (ETag) of the listings and what the decisions need from them: read when the step starts, rewritten when it ends. Later runs ask with If-None-Match, and a listing unchanged since (304 Not Modified) costs no rate-limit point while the token stays the same (GitHub binds validators to the token). Decisions are the same as without it. Empty = off. See the README, Repeat sweeps.',
        default: '',
        type: 'string',
        operations: STATE_FILE_OPERATIONS
    },
    // rerun-failed
    lookback: {
        description: 'rerun-failed: scan runs created within this window (90s, 30m, 6h, 7d, 1h30m; at most 400d).',
        default: '24h',
        type: 'duration',
        operations: ['rerun-failed']
    },
    conclusions: {
        description: 'rerun-failed: which conclusions count as failed: failure, timed_out, cancelled (empty = failure). delete-runs: the conclusions of the runs to delete, any of success, failure, neutral, cancelled, skipped, timed_out, action_required, stale, startup_failure (empty = any). List.',
        default: '',
        type: 'list',
        operations: ['rerun-failed', 'delete-runs']
    },
    'max-attempts': {
        description: 'rerun-failed: skip runs whose run_attempt is at least this (GitHub allows 50).',
        default: '3',
        type: 'integer',
        operations: ['rerun-failed']
    },
    'job-filter': {
        description: 'rerun-failed: globs on job names; a run is re-run only when every failed job of its latest attempt matches one of them.',
        default: '',
        type: 'list',
        operations: ['rerun-failed']
    },
    'log-pattern': {
        description: "rerun-failed: regular expression in RE2 syntax (matched in linear time: no backreferences, no lookahead or lookbehind; flags inline, e.g. (?i)); re-run only when a line of a failed job's log matches it.",
        default: '',
        type: 'string',
        operations: ['rerun-failed']
    },
    'enable-debug-logging': {
        description: 'rerun-failed: turn on debug logging for the re-run.',
        default: 'false',
        type: 'boolean',
        operations: ['rerun-failed']
    },
    'skip-superseded': {
        description: 'rerun-failed: skip runs for which a newer run of the same workflow on the same branch exists.',
        default: 'true',
        type: 'boolean',
        operations: ['rerun-failed']
    },
    // cancel-stale
    'keep-latest': {
        description: 'cancel-stale: active runs kept per group (workflow, event, head branch, head repository; at least 1). delete-runs: completed runs kept per workflow, head branch and head repository; delete-artifacts: artifacts kept per name, head branch and head repository (0 keeps none).',
        default: '1',
        type: 'integer',
        operations: ['cancel-stale', 'delete-runs', 'delete-artifacts']
    },
    'stale-after': {
        description: 'cancel-stale: an active run older than this is stale regardless of its group (e.g. 6h; at most 35d).',
        default: '',
        type: 'duration',
        operations: ['cancel-stale']
    },
    'force-cancel-after': {
        description: 'cancel-stale: after cancelling, wait up to this long for the runs to complete, then force-cancel the ones still active (e.g. 5m; at most 6h).',
        default: '',
        type: 'duration',
        operations: ['cancel-stale']
    },
    status: {
        description: 'cancel-stale: only runs in these active statuses are cancelled: queued, in_progress, waiting, pending, requested; list (empty = all of them). Groups are still judged on every active run: with queued, waiting, a queued run superseded by a newer in-progress run is cancelled and the in-progress one is left alone.',
        default: '',
        type: 'list',
        operations: ['cancel-stale']
    },
    // approve-fork-runs
    'trusted-actors': {
        description: 'approve-fork-runs: globs on the triggering actor login; empty = anyone.',
        default: '',
        type: 'list',
        operations: ['approve-fork-runs']
    },
    'protected-paths': {
        description: 'approve-fork-runs: globs, case-insensitive; a folder protects everything below it. A pull request that changes any of these is never approved. A value replaces the defaults (list them again to keep them).',
        default: '.github/workflows/**\n.github/actions/**\n',
        type: 'list',
        operations: ['approve-fork-runs']
    },
    'allowed-paths': {
        description: "approve-fork-runs: globs, matched like protected-paths (case-insensitive; a folder covers everything below it); empty = any path. When set, a run is approved only when every file its pull request changes, renamed files' old names too, matches one of them (docs/**, **/*.md for documentation-only contributions). protected-paths still applies.",
        default: '',
        type: 'list',
        operations: ['approve-fork-runs']
    },
    // review-deployments
    environments: {
        description: 'review-deployments: globs on environment names; empty = all.',
        default: '',
        type: 'list',
        operations: ['review-deployments']
    },
    state: {
        description: 'review-deployments: approved or rejected.',
        default: 'approved',
        type: 'string',
        operations: ['review-deployments']
    },
    comment: {
        description: 'review-deployments: comment sent with the review (the API requires one).',
        default: 'Reviewed by actions-ops',
        type: 'string',
        operations: ['review-deployments']
    },
    // rotate-secrets
    secrets: {
        description: 'rotate-secrets: secret names; list. Letters, digits and _, not starting with a digit or GITHUB_.',
        default: '',
        type: 'list',
        operations: ['rotate-secrets']
    },
    value: {
        description: 'rotate-secrets: the new value for every named secret, as given (not trimmed; masked at once, and line by line). Empty or only whitespace is refused unless generate is true.',
        default: '',
        type: 'string',
        operations: ['rotate-secrets'],
        secret: true
    },
    generate: {
        description: 'rotate-secrets: generate a fresh random value per secret instead of value.',
        default: 'false',
        type: 'boolean',
        operations: ['rotate-secrets']
    },
    length: {
        description: 'rotate-secrets: bytes of randomness for generate (characters for encoding alphanumeric).',
        default: '32',
        type: 'integer',
        operations: ['rotate-secrets']
    },
    encoding: {
        description: 'rotate-secrets: base64url, base64, hex or alphanumeric.',
        default: 'base64url',
        type: 'string',
        operations: ['rotate-secrets']
    },
    scope: {
        description: 'rotate-secrets: repository, environment or organization.',
        default: 'repository',
        type: 'string',
        operations: ['rotate-secrets']
    },
    app: {
        description: 'rotate-secrets: the secret stores to write every secret to; list of actions, dependabot, codespaces. Dependabot and Codespaces secrets have no environment scope.',
        default: 'actions',
        type: 'list',
        operations: ['rotate-secrets']
    },
    environment: {
        description: 'rotate-secrets: environment name, for scope environment.',
        default: '',
        type: 'string',
        operations: ['rotate-secrets']
    },
    organization: {
        description: 'rotate-secrets: organization login for scope organization; empty = owner of repository.',
        default: '',
        type: 'string',
        operations: ['rotate-secrets']
    },
    visibility: {
        description: "rotate-secrets: for scope organization: all, private or selected. Empty keeps an existing secret's visibility and selected repositories; a new secret is private.",
        default: '',
        type: 'string',
        operations: ['rotate-secrets']
    },
    'selected-repositories': {
        description: 'rotate-secrets: repository names for visibility selected; list.',
        default: '',
        type: 'list',
        operations: ['rotate-secrets']
    },
    // delete-runs, delete-artifacts, delete-caches
    'older-than': {
        description: 'delete-runs, delete-artifacts, delete-caches: required; only targets created (caches: last accessed) before now minus this (e.g. 30d); 0s = any age.',
        default: '',
        type: 'duration',
        operations: CLEAN_UP_OPERATIONS
    },
    'workflow-state': {
        description: "delete-runs: only runs whose workflow is in one of these states: active, deleted, disabled_fork, disabled_inactivity, disabled_manually; list (empty = any). A run whose workflow GitHub no longer lists counts as deleted, so 'deleted' purges the runs of workflow files since removed.",
        default: '',
        type: 'list',
        operations: ['delete-runs']
    },
    'keep-open-pull-requests': {
        description: 'delete-runs: never delete a run whose head commit is the head of an open pull request (its checks would go from the pull request). Needs pull-requests: read; false skips that listing.',
        default: 'true',
        type: 'boolean',
        operations: ['delete-runs']
    },
    'artifact-name': {
        description: 'delete-artifacts: globs on the artifact name; empty = every artifact.',
        default: '',
        type: 'list',
        operations: ['delete-artifacts']
    },
    'cache-key': {
        description: 'delete-caches: globs on the cache key; empty = every key.',
        default: '',
        type: 'list',
        operations: ['delete-caches']
    },
    'cache-ref': {
        description: "delete-caches: globs on the cache's full git ref (refs/heads/main, refs/pull/*/merge); empty = every ref.",
        default: '',
        type: 'list',
        operations: ['delete-caches']
    },
    'closed-pull-requests': {
        description: 'delete-caches: only caches of pull requests (refs/pull/N/merge or /head) that are closed or merged; caches of branches are never deleted then.',
        default: 'false',
        type: 'boolean',
        operations: ['delete-caches']
    }
};
const OUTPUTS = {
    result: {
        description: 'JSON array, one object per target: repository, kind, id, action, outcome (done, planned, skipped, failed), reason, url; a secret also app (its store: actions, dependabot or codespaces).',
        operations: 'all'
    },
    count: {
        description: 'Number of targets with outcome done (planned in a dry run).',
        operations: 'all'
    },
    'run-ids': {
        description: 'Comma-separated ids of the runs acted on (planned ones in a dry run).',
        operations: RUN_OPERATIONS
    },
    'bytes-freed': {
        description: 'delete-artifacts, delete-caches: the summed size_in_bytes of the targets deleted (planned in a dry run); those already gone are not counted.',
        operations: ['delete-artifacts', 'delete-caches']
    },
    'generated-values': {
        description: 'rotate-secrets with generate: JSON object name → value of each secret GitHub accepted in at least one scope, verified or not (empty in a dry run), every value masked.',
        operations: ['rotate-secrets']
    }
};
/** Whether `operation` takes the input or sets the output `definition` describes. */
function appliesTo(definition, operation) {
    return definition.operations === 'all' || definition.operations.includes(operation);
}
/** The inputs `operation` takes, in definition order (its sub-action's inputs). */
function inputsOf(operation) {
    return Object.keys(INPUTS).filter(name => appliesTo(INPUTS[name], operation));
}
/** The outputs `operation` sets, in definition order (its sub-action's outputs). */
function outputsOf(operation) {
    return Object.keys(OUTPUTS).filter(name => appliesTo(OUTPUTS[name], operation));
}
/** The default code applies to a blank `name`: undefined for none and for a runner expression. */
function defaultOf(name) {
    const value = INPUTS[name].default;
    return value === undefined || value === '' || isExpression(value) ? undefined : value;
}
/** A `${{ … }}` expression, which only GitHub's runner evaluates. */
function isExpression(value) {
    return /\$\{\{[\s\S]*?\}\}/.test(value);
}

;// CONCATENATED MODULE: ./src/inputs/input-error.ts
/** A bad input value. `input` is the input's name as written in `with:` (the command line: `--input`). */
class InputError extends Error {
    input;
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.input = input;
        this.name = 'InputError';
    }
}

;// CONCATENATED MODULE: ./src/inputs/operation.ts
/**
 * `operation`: the one input the bundle's entry reads before the worker starts, so this module
 * loads nothing but the definition and a small edit-distance library.
 */



/**
 * Parses `operation`.
 * @returns the operation named (surrounding whitespace ignored).
 * @throws InputError listing the valid names and, for a typo, the nearest one.
 */
function parseOperation(raw) {
    const value = raw.trim();
    if (OPERATIONS.includes(value))
        return value;
    const valid = OPERATIONS.join(', ');
    if (value === '') {
        throw new InputError('operation', `is required. Use one of ${valid}, e.g. 'operation: cancel-stale'.`);
    }
    const nearest = (0,mod/* closest */.kp)(value.toLowerCase(), [...OPERATIONS]);
    throw new InputError('operation', `${JSON.stringify(value)} is not an operation. Did you mean '${nearest}'? Valid operations: ${valid}.`);
}

;// CONCATENATED MODULE: ./src/index.ts
/**
 * The bundle's entry, kept small: it loads only the definition of the operations, refuses a
 * missing or unknown `operation` at once, and starts the action in a worker thread
 * (`action/index.js`, the adapter in worker.ts), ending with its exit code.
 *
 * Why a worker: V8 sizes a process's young generation for its allocation rate, and a sweep over
 * thousands of repositories made it grow to a few hundred megabytes while the action's own data
 * stayed near 10 MB. An action cannot pass Node flags, but a worker's heap takes limits. Why a
 * separate file: the main thread then never parses the action's code (about 2 MB), only this.
 *
 * A sub-action's entry (`<operation>/main.mjs`) names its operation in a global before importing
 * this file: GitHub's runner tells a JavaScript action no path it could learn it from.
 */




/** The young generation of the worker's heap, in megabytes (V8's own default is far larger). */
const YOUNG_GENERATION_MB = 2;
const subAction = globalThis[Symbol.for('actions-ops.operation')];
/** `core.setFailed` as the runner reads it, without loading `@actions/core` here. */
function fail(message) {
    const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    process.stdout.write(`::error::${escaped}\n`);
    process.exitCode = 1;
}
function start() {
    if (subAction === undefined) {
        try {
            // `core.getInput('operation')`: the runner's INPUT_OPERATION, trimmed.
            parseOperation(process.env.INPUT_OPERATION ?? '');
        }
        catch (error) {
            fail(error.message);
            return;
        }
    }
    const worker = new external_node_worker_threads_namespaceObject.Worker((0,external_node_path_namespaceObject.join)((0,external_node_path_namespaceObject.dirname)((0,external_node_url_namespaceObject.fileURLToPath)(import.meta.url)), 'action', 'index.js'), {
        workerData: { operation: subAction },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
    });
    worker.on('error', error => {
        // `run()` reports every error itself; this is the worker dying (out of memory, say). Only
        // the error's code or class is printed: its message could quote what the step was given.
        const code = error.code;
        fail(`actions-ops stopped unexpectedly (${typeof code === 'string' ? code : error.name})`);
    });
    worker.on('exit', code => {
        if (code !== 0)
            process.exitCode = code;
    });
}
start();

