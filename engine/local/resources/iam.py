"""aws:iam/role:Role, aws:iam/rolePolicy:RolePolicy, aws:iam/rolePolicyAttachment."""

from __future__ import annotations

from engine.local.resources.base import Created, DeployContext, DeployError, Inputs, drop_none, tag_list


def create_role(inputs: Inputs, context: DeployContext) -> Created:
    name = inputs.required("name")
    inputs.ignore("forceDetachPolicies")
    for unsupported in ("inlinePolicies", "managedPolicyArns"):
        if inputs.optional(unsupported):
            raise DeployError(
                f"resource {inputs.name!r}: {unsupported} is not supported by local mode; "
                "use RolePolicy / RolePolicyAttachment resources"
            )
    request = drop_none(
        {
            "RoleName": name,
            "AssumeRolePolicyDocument": inputs.required("assumeRolePolicy"),
            "Path": inputs.optional("path"),
            "Description": inputs.optional("description"),
            "MaxSessionDuration": inputs.optional("maxSessionDuration"),
            "PermissionsBoundary": inputs.optional("permissionsBoundary"),
            "Tags": tag_list(inputs.optional("tags")) or None,
        }
    )
    with inputs.aws_call("CreateRole"):
        role = context.client("iam").create_role(**request)["Role"]
    return Created(id=name, outputs={"arn": role["Arn"], "name": name, "uniqueId": role["RoleId"]})


def create_role_policy(inputs: Inputs, context: DeployContext) -> Created:
    role = inputs.required("role")
    name = inputs.required("name")
    policy = inputs.required("policy")
    with inputs.aws_call("PutRolePolicy"):
        context.client("iam").put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=policy)
    return Created(id=f"{role}:{name}", outputs={"name": name, "role": role})


def attach_role_policy(inputs: Inputs, context: DeployContext) -> Created:
    role = inputs.required("role")
    policy_arn = inputs.required("policyArn")
    with inputs.aws_call("AttachRolePolicy"):
        context.client("iam").attach_role_policy(RoleName=role, PolicyArn=policy_arn)
    return Created(id=f"{role}-{policy_arn.rsplit('/', 1)[-1]}", outputs={})
