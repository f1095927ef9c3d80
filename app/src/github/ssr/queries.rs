//! The GraphQL documents the import sends. Every one is validated against
//! GitHub's published schema by the test suite's stand-in GitHub (npm
//! `@octokit/graphql-schema`), which rejects what GitHub would reject.

use super::manifests::MANIFESTS;
use std::sync::LazyLock;

/// Repositories per page: GitHub's maximum.
pub const PAGE_SIZE: usize = 100;

const PROFILE_FRAGMENT: &str = r#"
fragment Profile on User {
  login name bio company location websiteUrl avatarUrl url createdAt
  followers { totalCount }
  contributionsCollection {
    totalCommitContributions totalPullRequestContributions
    totalPullRequestReviewContributions totalIssueContributions
    contributionCalendar { totalContributions }
  }
  pullRequests(first: 100, states: MERGED, orderBy: {field: CREATED_AT, direction: DESC}) {
    totalCount
    nodes {
      title url mergedAt
      repository {
        nameWithOwner url isPrivate stargazerCount
        owner { login }
        primaryLanguage { name }
      }
    }
  }
}
"#;

fn repo_fragment() -> String {
    let mut files = String::new();
    for (path, alias) in MANIFESTS {
        files.push_str(&format!("  {alias}: object(expression: \"HEAD:{path}\") {{ ...File }}\n"));
    }
    format!(
        r#"
fragment Repo on Repository {{
  id nameWithOwner url description homepageUrl
  isFork isArchived isEmpty isPrivate
  stargazerCount forkCount createdAt pushedAt
  parent {{ nameWithOwner }}
  primaryLanguage {{ name }}
  licenseInfo {{ spdxId }}
  repositoryTopics(first: 20) {{ nodes {{ topic {{ name }} }} }}
  languages(first: 20, orderBy: {{field: SIZE, direction: DESC}}) {{ totalSize edges {{ size node {{ name }} }} }}
  root: object(expression: "HEAD:") {{ ... on Tree {{ entries {{ name type }} }} }}
  readme: object(expression: "HEAD:README.md") {{ ...File }}
  readmeLower: object(expression: "HEAD:readme.md") {{ ...File }}
{files}}}

fragment File on Blob {{ text byteSize isTruncated }}
"#
    )
}

/// One page of the viewer's own repositories with everything the profile
/// needs from each (languages, topics, README, manifests); the first page
/// also brings the profile, contributions and merged pull requests.
pub static IMPORT_PAGE: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"query ProofolioImportPage($cursor: String, $withProfile: Boolean!) {{
  rateLimit {{ cost remaining resetAt }}
  viewer {{
    id
    ...Profile @include(if: $withProfile)
    repositories(first: {PAGE_SIZE}, after: $cursor, ownerAffiliations: OWNER, orderBy: {{field: PUSHED_AT, direction: DESC}}) {{
      totalCount
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ ...Repo }}
    }}
  }}
}}
{PROFILE_FRAGMENT}{}"#,
        repo_fragment()
    )
});

/// How many of a fork's default-branch commits the user wrote, for up to
/// 100 forks at once.
pub const FORK_COMMITS: &str = r#"query ProofolioForkCommits($ids: [ID!]!, $author: ID!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    ... on Repository {
      id
      defaultBranchRef { target { ... on Commit { history(first: 1, author: {id: $author}) { totalCount } } } }
    }
  }
}"#;

/// Files whose names are only known after the first pass (`*.csproj` at a
/// repository's root), fetched for many repositories in one request. The
/// repository ids and expressions are variables, never spliced into the text.
pub fn extra_files(count: usize) -> String {
    let mut vars = Vec::new();
    let mut fields = String::new();
    for i in 0..count {
        vars.push(format!("$id{i}: ID!, $expr{i}: String!"));
        fields.push_str(&format!(
            "  f{i}: node(id: $id{i}) {{ ... on Repository {{ id file: object(expression: $expr{i}) {{ ... on Blob {{ text byteSize isTruncated }} }} }} }}\n"
        ));
    }
    format!("query ProofolioExtraFiles({}) {{\n  rateLimit {{ cost remaining resetAt }}\n{fields}}}", vars.join(", "))
}
