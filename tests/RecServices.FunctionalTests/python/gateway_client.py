"""A gateway client written in Python (grpcio), run by PythonClientTests.

Usage: gateway_client.py <stubs dir> <address> <user id>
Records that the user watched the first recommended item, asks again, and prints one JSON object:
{"first": [...ids], "history_count": n, "second": [...ids], "bad_count_status": "..."}.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from recservices.gateway.v1 import gateway_service_pb2 as pb  # noqa: E402
from recservices.gateway.v1 import gateway_service_pb2_grpc as rpc  # noqa: E402


def recommend(stub, user, count):
    return [r.item_id for r in stub.Recommend(pb.RecommendRequest(user_id=user, count=count), timeout=30)]


def main():
    address, user = sys.argv[2], sys.argv[3]
    with grpc.insecure_channel(address) as channel:
        stub = rpc.GatewayServiceStub(channel)
        first = recommend(stub, user, 10)
        recorded = stub.RecordInteraction(
            pb.RecordInteractionRequest(user_id=user, item_id=first[0], kind=pb.INTERACTION_KIND_WATCHED), timeout=30)
        second = recommend(stub, user, 10)
        try:
            recommend(stub, user, -5)
            bad = "OK"
        except grpc.RpcError as error:
            bad = error.code().name
    print(json.dumps({"first": first, "history_count": recorded.history_count, "second": second, "bad_count_status": bad}))


if __name__ == "__main__":
    main()
