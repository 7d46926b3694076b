// Runs .github/actions/comment/comment.js against a fake GitHub API and
// prints what it did as JSON lines: the harness of comment_test.go.
//   node comment-harness.js COMMENT_JS DIR RUN_HEAD_SHA PR_HEAD_SHA EXISTING_COMMENT_BODY
const [script, dir, runHeadSha, prHeadSha, existing] = process.argv.slice(2);
const { post } = require(script);
const log = (o) => console.log(JSON.stringify(o));
const github = {
  rest: {
    pulls: { get: async (a) => { log({ call: 'pulls.get', number: a.pull_number }); return { data: { head: { sha: prHeadSha } } }; } },
    issues: {
      listComments: 'listComments',
      updateComment: async (a) => log({ call: 'updateComment', id: a.comment_id, length: a.body.length, body: a.body }),
      createComment: async (a) => log({ call: 'createComment', number: a.issue_number, length: a.body.length, body: a.body }),
    },
  },
  paginate: async () => (existing ? [{ id: 7, user: { type: 'Bot', login: 'github-actions[bot]' }, body: existing }] : [{ id: 8, user: { type: 'User', login: 'someone' }, body: '<!-- berth-plan-diff --> copied' }]),
};
const core = { setFailed: (m) => log({ call: 'setFailed', message: m }) };
post({ github, context: { repo: { owner: 'o', repo: 'r' } }, core, dir, runHeadSha, runUrl: 'https://example.com/run/1' })
  .catch((e) => { log({ call: 'error', message: String(e) }); process.exit(1); });
