// Posts the comment that berth's plan-diff action uploaded, or updates the
// one posted before. It runs with a writable token in the base
// repository's context, so it treats the artifact as untrusted text: it
// accepts the pull request number only when that pull request's head is
// the commit the run built, and shortens the body to GitHub's limit.
//
// post({github, context, core, dir, runHeadSha, runUrl}) reads comment.md,
// pr-number and head-sha from dir.
const fs = require('fs');
const path = require('path');

const marker = '<!-- berth-plan-diff -->';
// GitHub rejects comments over 65536 characters.
const limit = 60000;

// shorten drops the resource graphs first, then whole stack sections, so
// that no <details> or code fence is cut in half.
function shorten(body, runUrl) {
  if (body.length <= limit) {
    return body;
  }
  // The body is trimmed: the last graph ends the body without a newline.
  body = body.replace(/\n<details><summary>Resource graph of [\s\S]*?\n<\/details>(\n|$)/g, '\n');
  const note = `\n\n_Shortened: see the full diff in the artifacts of ${runUrl}_\n`;
  while (body.length + note.length > limit) {
    const cut = body.lastIndexOf('\n<!-- berth-plan-diff stack=');
    if (cut <= 0) {
      body = body.slice(0, limit - note.length).replace(/[\uD800-\uDBFF]$/, '');
      break;
    }
    body = body.slice(0, cut);
  }
  return body + note;
}

async function post({ github, context, core, dir, runHeadSha, runUrl }) {
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8').trim();
  const number = Number(read('pr-number'));
  if (!Number.isSafeInteger(number) || number <= 0) {
    core.setFailed('pr-number is not a pull request number');
    return;
  }
  // The artifact comes from code the pull request controls: accept it only
  // for the pull request whose head the run built.
  const { data: pr } = await github.rest.pulls.get({ ...context.repo, pull_number: number });
  if (pr.head.sha !== runHeadSha) {
    core.setFailed(`pull request #${number} is at ${pr.head.sha}, the run built ${runHeadSha}`);
    return;
  }
  let body = read('comment.md');
  if (!body.startsWith(marker)) {
    body = marker + '\n' + body;
  }
  body = shorten(body, runUrl);
  const comments = await github.paginate(github.rest.issues.listComments, { ...context.repo, issue_number: number, per_page: 100 });
  const mine = comments.find((c) => c.user?.type === 'Bot' && c.user?.login === 'github-actions[bot]' && c.body?.startsWith(marker));
  if (mine) {
    await github.rest.issues.updateComment({ ...context.repo, comment_id: mine.id, body });
  } else {
    await github.rest.issues.createComment({ ...context.repo, issue_number: number, body });
  }
}

module.exports = { post, shorten, marker, limit };
