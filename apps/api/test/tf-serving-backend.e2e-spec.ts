import { startStandaloneModelServer, type StandaloneModelServer } from '@infergate/testing';
import { REPO_MODELS, seedRequestBody, startGateway, type Gateway } from './gateway.harness';

/**
 * The TENSORFLOW_SERVING adapter over real HTTP against the project's standalone TF-Serving-compatible
 * model server, next to the embedded ONNX backend serving the same model in-process: both paths must
 * give the caller the same bytes, and the standalone server's TF Serving errors must map as documented.
 */
describe('gateway → TF-Serving adapter → standalone model server', () => {
  let server: StandaloneModelServer;
  let gateway: Gateway;
  let token: string;

  beforeAll(async () => {
    server = await startStandaloneModelServer({ repository: REPO_MODELS });
    gateway = await startGateway();
    token = await gateway.login();
    await gateway.addServing({
      name: 'mnisttf',
      model_name: 'mnist',
      backend_endpoints: JSON.stringify([server.url]),
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await server?.stop();
  });

  const predict = (serving: string, body: string) =>
    gateway.http
      .post(`/hopsworks-api/api/project/1/inference/models/${serving}`)
      .set('authorization', token)
      .set('content-type', 'application/json')
      .send(body);

  it('answers exactly what the embedded backend answers for the same model and request', async () => {
    const body = seedRequestBody(3);
    const remote = await predict('mnisttf:predict', body);
    const embedded = await predict('mnist:predict', body);
    expect(remote.status).toBe(200);
    expect(remote.text).toBe(embedded.text);
    expect(remote.body.predictions[0]).toHaveLength(10);
  });

  it('reaches a given version and the default signature', async () => {
    const images = JSON.parse(seedRequestBody(4)).instances;
    const res = await predict('mnisttf/versions/1:predict', JSON.stringify({ instances: images }));
    expect(res.status).toBe(200);
    expect(Number.isInteger(res.body.predictions[0])).toBe(true); // serving_default returns the class
  });

  it("maps the model server's own 4xx answers to 400/250008 with TF Serving's message", async () => {
    const unknownVersion = await predict('mnisttf/versions/9:predict', seedRequestBody(1));
    expect([unknownVersion.status, unknownVersion.body.errorCode]).toEqual([400, 250008]);
    expect(unknownVersion.body.usrMsg).toMatch(/Servable not found for request: Specific\(mnist, 9\)/);
    const badSignature = await predict('mnisttf:predict', '{"signature_name": "nope", "instances": [[1.0]]}');
    expect(badSignature.body.usrMsg).toMatch(
      /Serving signature name: \\?"nope\\?" not found in signature def/,
    );
    const malformed = await predict('mnisttf:predict', '{"instances": [1.0,');
    expect([malformed.status, malformed.body.errorCode]).toEqual([400, 250008]);
    expect(malformed.body.usrMsg).toMatch(/JSON Parse error/);
  });

  it('reports the backend in readiness once it has been used', async () => {
    const ready = await gateway.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.stringify(ready.body.details.backends)).toMatch(/"state":"up"/);
  });
});
