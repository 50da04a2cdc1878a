import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('Artifact', { description: 'A file stored under a run (PUT /artifacts/{runId}/{path}).' })
export class ArtifactType {
  @Field({ description: 'Relative path under the run, e.g. weights/epoch3.onnx.' })
  path: string;

  @Field(() => Number, { description: 'Bytes (a Float: files may exceed 2^31).' })
  size: number;

  @Field({ description: 'Hex sha256 of the bytes, computed while they were stored.' })
  sha256: string;

  @Field(() => Int, { nullable: true, description: 'Set for epoch checkpoints (?epoch=N).' })
  epoch: number | null;

  @Field({ description: 'MIME type given at upload (or guessed from the extension).' })
  contentType: string;

  @Field(() => String, { nullable: true, description: 'Name of the identity that uploaded it.' })
  createdBy: string | null;

  @Field({ description: 'When the upload completed.' })
  createdAt: Date;

  @Field({ description: 'Path on this server to GET the bytes from (same Authorization as GraphQL).' })
  downloadUrl: string;
}
