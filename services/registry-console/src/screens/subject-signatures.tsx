import { useState } from 'react';
import { useQuery } from 'urql';
import { apiErrors } from '../client';
import { graphql } from '../gql';
import { ErrorBanner } from '../ui/errors';
import { SignatureList, SignForm } from './signatures';

const SubjectCasebookSignaturesQuery = graphql(`
  query ConsoleSubjectCasebookSignatures($id: ID!, $consistentWith: GlobalPosition) {
    subject(id: $id, consistentWith: $consistentWith) {
      id
      signatures {
        ...ConsoleSignature
      }
    }
  }
`);

/** The subject page's casebook signatures (VALID / INVALIDATED as the API reads them now) and a form to sign it. */
export function SubjectSignatures({
  subjectId,
  written,
}: {
  subjectId: string;
  /** The page's latest write (a correction invalidates). */ written: string | null;
}) {
  const [signed, setSigned] = useState<string | null>(null);
  const consistentWith = signed === null ? written : written === null || BigInt(signed) > BigInt(written) ? signed : written;
  const [{ data, error }] = useQuery({ query: SubjectCasebookSignaturesQuery, variables: { id: subjectId, consistentWith } });
  return (
    <section aria-labelledby="subject-signatures-heading" className="governance">
      <h2 id="subject-signatures-heading">Signatures of the casebook</h2>
      <ErrorBanner errors={apiErrors(error)} />
      {data?.subject ? <SignatureList signatures={data.subject.signatures} label="the casebook" /> : null}
      <SignForm target={{ subject: { subjectId } }} label="the casebook" idPrefix="sign-subject" onSigned={setSigned} />
    </section>
  );
}
