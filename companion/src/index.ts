import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Manifests the Python library computed, made into ordinary cdk8s objects with one jsii call.
 *
 * Every jsii call has a fixed cost of about 0.25 ms; building an object from Python with stock
 * cdk8s takes three (the ApiObject, a JsonPatch, its application). Here a batch of objects takes
 * one, and a chart's documents come back as one JSON string.
 */
export class Manifests {
  /**
   * Create one ApiObject per manifest, exactly as the Python library did with three calls:
   * apiVersion, kind and metadata in the constructor, every other top-level field with one JSON
   * patch. A patch keeps an empty value (`podSelector: {}`) that the constructor's props would drop.
   *
   * @param scopes the scope of each object
   * @param ids the id of each object within its scope
   * @param manifests a JSON array of the manifests, one per scope
   */
  public static emit(scopes: Construct[], ids: string[], manifests: string): ApiObject[] {
    const documents: any[] = JSON.parse(manifests, withoutNullFields);
    if (documents.length !== scopes.length || ids.length !== scopes.length) {
      throw new Error(`Manifests.emit: ${scopes.length} scopes, ${ids.length} ids and ${documents.length} manifests`);
    }
    // Every id first, so a clash creates nothing (the message is the constructs library's own).
    const taken = new Set<string>();
    scopes.forEach((scope, index) => {
      const key = `${scope.node.path}\u0000${ids[index]}`;
      if (taken.has(key) || scope.node.tryFindChild(ids[index]) !== undefined) {
        throw new Error(`There is already a Construct with name '${ids[index]}' in ${scope.node.path || 'the root'}`);
      }
      taken.add(key);
    });
    return documents.map((manifest, index) => {
      const { apiVersion, kind, metadata, ...body } = manifest;
      const obj = new ApiObject(scopes[index], ids[index], { apiVersion, kind, metadata });
      const patches = Object.entries(body).map(([key, value]) => JsonPatch.add(`/${key}`, value));
      if (patches.length > 0) {
        obj.addJsonPatch(...patches);
      }
      return obj;
    });
  }

  /**
   * The chart's documents, `chart.toJson()` (a Python override included), as one JSON string.
   */
  public static chartJson(chart: Chart): string {
    return JSON.stringify(chart.toJson(), withoutNullFields);
  }

  private constructor() {}
}

/**
 * A JSON reviver and replacer that drops an object's null fields and keeps an array's nulls: what
 * jsii does with a value that crosses the bridge, so one call here gives what three calls gave.
 */
function withoutNullFields(this: any, _key: string, value: any): any {
  return value === null && !Array.isArray(this) ? undefined : value;
}
